using System.Text.Json.Serialization;

namespace SunspotForecaster.Core.Storage;

/// <summary>What one ingest attempt did (written by name, as the ingest history keeps it).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IngestOutcome>))]
public enum IngestOutcome
{
    /// <summary>New content, validated, stored and made current.</summary>
    Stored,

    /// <summary>The same content as the current file: nothing stored, nothing to train.</summary>
    Unchanged,

    /// <summary>Valid, but it would move history backwards (shorter, or definitive values rewritten): kept aside, not current.</summary>
    Quarantined,

    /// <summary>Not a valid SIDC file: nothing stored.</summary>
    Invalid,
}
