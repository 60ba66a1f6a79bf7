using SunspotForecaster.Models.Regression;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Series;

namespace SunspotForecaster.Models.Training;

/// <summary>
/// The recipe of a sunspot model: everything that decides what training makes (network, window,
/// split, optimiser, ensemble, seed) and its budget and threads. The defaults were chosen by experiment on the
/// validation years (README, "Choosing the defaults"); the course's own settings are
/// <c>Cell = Lstm, Window = 10, HiddenSize = 64, BatchSize = 32, LearningRate = 0.001</c> with one
/// member and no weight averaging.
/// </summary>
public sealed record ForecasterRecipe
{
    public RecurrentCell Cell { get; init; } = RecurrentCell.Lstm;

    public int Window { get; init; } = 60;

    public int HiddenSize { get; init; } = 24;

    public int Layers { get; init; } = 1;

    public double Dropout { get; init; }

    public int DenseSize { get; init; } = 32;

    public int BatchSize { get; init; } = 64;

    public double LearningRate { get; init; } = 0.002;

    public int MaxEpochs { get; init; } = 1000;

    public int Patience { get; init; } = 5;

    /// <summary>
    /// In the units of the monitored loss: the validation MSE of sunspot numbers, as in the course
    /// (whose 0.001 is `--min-delta 0.001`). 0.3 is about 0.01 in RMSE: smaller gains kept the
    /// defaults training twice as long for 0.03 in validation RMSE.
    /// </summary>
    public double MinDelta { get; init; } = 0.3;

    public int Seed { get; init; } = 42;

    /// <summary>Networks trained from different seeds whose forecasts are averaged.</summary>
    public int Members { get; init; } = 2;

    /// <summary>
    /// How many members train at once, each on its own thread with <see cref="Threads"/> intra-op
    /// threads. It changes nothing in the weights (each member's work is independent and stays on
    /// one thread), only the time, so it is not part of the <see cref="Fingerprint"/>.
    /// </summary>
    public int MemberConcurrency { get; init; } = Environment.ProcessorCount;

    /// <summary>When set, each network is validated and kept as an exponential moving average of its weights with this decay per step.</summary>
    public double? WeightAverageDecay { get; init; } = 0.998;

    /// <summary>
    /// libtorch's intra-op threads while training through libtorch (GRU, RNN, stacked layers). One:
    /// the networks are small, and a second thread's synchronisation per operation cost more than
    /// it saved (README, "Training speed"). A one-layer LSTM trains in managed code, on the cores
    /// its member has to itself, whatever this says. Results are deterministic for a given CPU and
    /// thread count.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>Training stops (keeping the best epoch) once this much time has passed; null for no limit.</summary>
    public TimeSpan? Budget { get; init; }

    public SplitOptions Split { get; init; } = new();

    /// <summary>
    /// The lag counts the direct linear model of each lead chooses from on the validation years
    /// (<see cref="LinearForecaster"/>); empty for no linear model.
    /// </summary>
    public IReadOnlyList<int> LinearLags { get; init; } = LinearForecaster.DefaultLags;

    /// <summary>The ridge penalties the linear model of each lead chooses from on the validation years.</summary>
    public IReadOnlyList<double> LinearPenalties { get; init; } = LinearForecaster.DefaultPenalties;

    /// <summary>
    /// SHA-256 of everything that decides the trained weights (not the budget, which only cuts a
    /// run short, nor the members trained at once), so the same data and settings are never trained twice.
    /// </summary>
    public string Fingerprint() => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
        System.Text.Json.JsonSerializer.Serialize(this with { Budget = null, MemberConcurrency = 1 }))));

    /// <summary>Most networks in an ensemble: each costs a training and a share of every forecast.</summary>
    public const int MaxMembers = 16;

    /// <summary>More intra-op threads than any machine this runs on has cores.</summary>
    public const int MaxThreads = 256;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        Require(Enum.IsDefined(Cell), "cell", $"'{Cell}' is not one of lstm, gru, rnn");
        Require(Window is >= 1 and <= SeriesPreparation.MaxWindowLength, "window", $"must be 1..{SeriesPreparation.MaxWindowLength} days");
        Require(HiddenSize is >= 1 and <= 1024, "hidden size", "must be 1..1024");
        Require(Layers is >= 1 and <= 8, "layers", "must be 1..8");
        Require(Dropout is >= 0 and < 1, "dropout", "must be at least 0 and below 1");
        Require(DenseSize is >= 1 and <= 1024, "dense size", "must be 1..1024");
        Require(BatchSize is >= 1 and <= 65536, "batch size", "must be 1..65536");
        Require(LearningRate > 0 && LearningRate <= 1 && double.IsFinite(LearningRate), "learning rate", "must be above 0 and at most 1");
        Require(MaxEpochs is >= 1 and <= 100_000, "max epochs", "must be 1..100000");
        Require(Patience is >= 1 and <= 10_000, "patience", "must be at least 1");
        Require(MinDelta >= 0 && double.IsFinite(MinDelta), "min delta", "cannot be negative");
        Require(Members is >= 1 and <= MaxMembers, "members", $"must be 1..{MaxMembers}");
        Require(WeightAverageDecay is null or (> 0 and < 1), "weight average decay", "must lie between 0 and 1");
        Require(MemberConcurrency is >= 1 and <= MaxThreads, "member concurrency", $"must be 1..{MaxThreads}");
        Require(Threads is >= 1 and <= MaxThreads, "threads", $"must be 1..{MaxThreads}");
        Require(Budget is null || Budget > TimeSpan.Zero, "budget", "must be positive");
        Require(LinearLags is not null && LinearLags.All(l => l is >= 1 and <= LinearForecaster.MaxLags), "linear lags", $"must each be 1..{LinearForecaster.MaxLags} days");
        Require(LinearPenalties is not null && LinearPenalties.All(p => p >= 0 && double.IsFinite(p)) && (LinearLags!.Count == 0 || LinearPenalties.Count > 0), "linear penalties", "must be finite, not negative, and at least one when there are lags");
    }

    private static void Require(bool condition, string setting, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"Training setting {setting}: {problem}.");
        }
    }
}
