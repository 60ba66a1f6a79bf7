namespace SunspotForecaster.Models.Networks;

/// <summary>The recurrent layer of a network.</summary>
public enum RecurrentCell
{
    /// <summary>Long short-term memory: input, forget and output gates (Hochreiter and Schmidhuber 1997).</summary>
    Lstm,

    /// <summary>Gated recurrent unit: two gates instead of three, similar accuracy, less compute (Chung et al. 2014).</summary>
    Gru,

    /// <summary>The classic Elman RNN with tanh: no gates.</summary>
    Rnn,
}
