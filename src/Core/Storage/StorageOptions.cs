using System.ComponentModel.DataAnnotations;

namespace SunspotForecaster.Core.Storage;

/// <summary>
/// Where the product keeps its state (section <c>Storage</c>; the clients themselves are configured
/// in <c>Storage:Blobs</c>, <c>Storage:Tables</c> and <c>Storage:Queues</c>). The defaults are the
/// names of DESIGN.md; tests give each run names of its own.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The client sections: a connection string, or serviceUri (tables: endpoint) with credential and clientId.</summary>
    public const string BlobsSection = SectionName + ":Blobs";
    public const string TablesSection = SectionName + ":Tables";
    public const string QueuesSection = SectionName + ":Queues";

    /// <summary>The setting that names the retrain queue, for the writer and for the Functions trigger (<c>%Storage:RetrainQueue%</c>).</summary>
    public const string RetrainQueueSetting = SectionName + ":" + nameof(RetrainQueue);

    [Required, RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Storage:RawContainer must be a valid blob container name.")]
    public string RawContainer { get; set; } = "sidc-raw";

    [Required, RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Storage:ModelsContainer must be a valid blob container name.")]
    public string ModelsContainer { get; set; } = "models";

    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Storage:IngestRunsTable must be a valid table name.")]
    public string IngestRunsTable { get; set; } = "IngestRuns";

    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Storage:ModelVersionsTable must be a valid table name.")]
    public string ModelVersionsTable { get; set; } = "ModelVersions";

    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Storage:ModelAliasesTable must be a valid table name.")]
    public string ModelAliasesTable { get; set; } = "ModelAliases";

    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Storage:ForecastLedgerTable must be a valid table name.")]
    public string ForecastLedgerTable { get; set; } = "ForecastLedger";

    [Required, RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Storage:RetrainQueue must be a valid queue name.")]
    public string RetrainQueue { get; set; } = "retrain-requests";
}
