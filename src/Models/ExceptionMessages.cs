namespace SunspotForecaster.Models;

public static class ExceptionMessages
{
    /// <summary>The message without ArgumentException's " (Parameter 'name')", which means nothing to the person reading it.</summary>
    public static string ForPeople(this Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception is ArgumentException { ParamName: string name }
            ? exception.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
            : exception.Message;
    }
}
