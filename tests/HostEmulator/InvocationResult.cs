using SunspotForecaster.HostEmulator.Rpc;

namespace SunspotForecaster.HostEmulator;

/// <summary>What the worker answered to one invocation.</summary>
internal sealed record InvocationResult(string FunctionName, string InvocationId, StatusResult.Types.Status Status, string? Error, TypedData? ReturnValue)
{
    public bool Succeeded => Status == StatusResult.Types.Status.Success;

    public override string ToString() => $"{FunctionName} {InvocationId}: {Status}{(Error is null ? "" : " - " + Error)}";
}

/// <summary>What became of one queue message the emulated listener took.</summary>
internal enum QueueOutcome
{
    /// <summary>The function succeeded; the message was deleted.</summary>
    Completed,

    /// <summary>The function failed; the message comes back after the visibility timeout.</summary>
    Released,

    /// <summary>Dequeued too often: moved to the poison queue.</summary>
    Poisoned,
}

/// <summary>One message the emulated queue listener handled.</summary>
internal sealed record QueueDelivery(string FunctionName, string QueueName, string MessageId, long DequeueCount, QueueOutcome Outcome, InvocationResult? Invocation);
