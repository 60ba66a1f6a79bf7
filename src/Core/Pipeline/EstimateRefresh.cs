namespace SunspotForecaster.Core.Pipeline;

/// <summary>What the hourly run did: the estimate's ingest, and the ledger's pass.</summary>
public sealed record EstimateRefresh(EisnIngestResult Ingest, LedgerCycle Ledger);
