namespace SunspotForecaster.Testing;

/// <summary>The last lines a child process wrote, for error messages; older lines are dropped.</summary>
public sealed class OutputTail(int capacity)
{
    private readonly Queue<string> _lines = new(capacity);

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    /// <summary>" Output (last lines):\n…", or "" when there was none.</summary>
    public string Describe()
    {
        string text = ToString();
        return text.Length == 0 ? "" : $"{Environment.NewLine}Output (last lines):{Environment.NewLine}{text}";
    }

    public override string ToString()
    {
        lock (_lines)
        {
            return string.Join(Environment.NewLine, _lines);
        }
    }
}
