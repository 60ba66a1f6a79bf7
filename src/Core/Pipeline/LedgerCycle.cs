using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>What one pass of the ledger did: today's forecasts recorded (or why not), rows scored, a demotion.</summary>
public sealed record LedgerCycle(bool Recorded, string? NotRecordedReason, int Scored, Demotion? Demotion);
