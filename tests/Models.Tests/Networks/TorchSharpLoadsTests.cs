using TorchSharp;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Tests.Networks;

/// <summary>TorchSharp's native library loads on this machine (Debian 12's libstdc++) and trains.</summary>
[Collection(TorchCollection.Name)]
public class TorchSharpLoadsTests
{
    [Fact]
    public void An_lstm_runs_forward_and_backward_and_learns()
    {
        torch.manual_seed(1);
        using var scope = torch.NewDisposeScope();
        var lstm = nn.LSTM(inputSize: 1, hiddenSize: 8, numLayers: 1, batchFirst: true);
        var head = nn.Linear(8, 1);
        var parameters = lstm.parameters().Concat(head.parameters());
        var optimizer = optim.Adam(parameters, lr: 0.05);

        // Predict the last value of a short ramp: a task an LSTM learns in a few steps.
        Tensor inputs = torch.linspace(0, 1, 5).reshape(1, 5, 1).repeat(4, 1, 1) * torch.tensor(new float[] { 0.2f, 0.4f, 0.6f, 0.8f }).reshape(4, 1, 1);
        Tensor targets = inputs[.., -1, ..];

        float firstLoss = 0;
        float lastLoss = 0;
        for (int step = 0; step < 30; step++)
        {
            optimizer.zero_grad();
            (Tensor output, _, _) = lstm.forward(inputs);
            Tensor prediction = head.forward(output[.., -1, ..]);
            Tensor loss = nn.functional.mse_loss(prediction, targets);
            loss.backward();
            optimizer.step();
            lastLoss = loss.item<float>();
            firstLoss = step == 0 ? lastLoss : firstLoss;
        }

        Assert.Equal(new long[] { 4, 5, 8 }, lstm.forward(inputs).Item1.shape);
        Assert.All(lstm.parameters(), p => Assert.False(p.grad is null || p.grad.isnan().any().item<bool>()));
        Assert.True(lastLoss < firstLoss / 10, $"loss went from {firstLoss} to {lastLoss}");
    }
}
