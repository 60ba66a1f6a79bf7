using SunspotForecaster.Models.Data;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Serving;

/// <summary>The serving series as of a day, and what it was made of: the daily file's pointer and the EISN copy (none, or why it is not used).</summary>
public sealed record CurrentObservations(ObservedSeries Series, LatestPointer File, EisnCopy? Eisn, DateOnly Today);
