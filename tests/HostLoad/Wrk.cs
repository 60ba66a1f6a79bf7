using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SunspotForecaster.HostLoad;

/// <summary>One wrk run's figures, as wrk prints them (--latency).</summary>
internal sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long NotOk, long SocketErrors);

/// <summary>wrk (github.com/wg/wrk) as a child process: its own process and threads, keep-alive connections, latency from its HdrHistogram.</summary>
internal static partial class Wrk
{
    /// <summary>Runs wrk against <paramref name="url"/>; <paramref name="body"/> makes it a POST of that JSON (through a Lua script).</summary>
    public static async Task<WrkResult> RunAsync(string wrk, Uri url, string? body, int threads, int connections, TimeSpan duration, string scratch)
    {
        var startInfo = new ProcessStartInfo(wrk) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])[
            "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-d", $"{(int)Math.Ceiling(duration.TotalSeconds)}s", "--latency", "--timeout", "10s"])
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (body is not null)
        {
            string script = Path.Combine(scratch, $"post-{Guid.NewGuid():N}.lua");
            // Lua long brackets: the JSON goes in verbatim.
            await File.WriteAllTextAsync(script, $"wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = [==[{body}]==]\n");
            startInfo.ArgumentList.Add("-s");
            startInfo.ArgumentList.Add(script);
        }

        startInfo.ArgumentList.Add(url.AbsoluteUri);
        Process process;
        try
        {
            process = Process.Start(startInfo)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start wrk ('{wrk}': {e.Message}); install it (apt-get install wrk) or give --wrk PATH.", e);
        }

        using (process)
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            string text = await output;
            return process.ExitCode == 0
                ? Parse(text)
                : throw new InvalidOperationException($"wrk exited with code {process.ExitCode}: {text}{await errors}");
        }
    }

    /// <summary>Reads wrk's report: Requests/sec, the 50% and 99% latency lines, the request count, non-2xx/3xx answers and socket errors.</summary>
    public static WrkResult Parse(string report)
    {
        double rate = double.Parse(Required(RateLine(), report, "Requests/sec").Groups["value"].Value, CultureInfo.InvariantCulture);
        long requests = long.Parse(Required(CountLine(), report, "requests in").Groups["value"].Value, CultureInfo.InvariantCulture);
        double p50 = Percentile(report, "50"), p99 = Percentile(report, "99");
        long notOk = NotOkLine().Match(report) is { Success: true } n ? long.Parse(n.Groups["value"].Value, CultureInfo.InvariantCulture) : 0;
        long socket = SocketLine().Match(report) is { Success: true } s
            ? s.Groups.Cast<Group>().Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture))
            : 0;
        return new WrkResult(rate, p50, p99, requests, notOk, socket);
    }

    private static double Percentile(string report, string percent)
    {
        Match line = Regex.Match(report, $@"^\s+{percent}%\s+(?<value>[\d.]+)(?<unit>us|ms|s)\s*$", RegexOptions.Multiline);
        if (!line.Success)
        {
            throw new InvalidOperationException($"wrk's report has no {percent}% latency line (was --latency given?):{Environment.NewLine}{report}");
        }

        double value = double.Parse(line.Groups["value"].Value, CultureInfo.InvariantCulture);
        return line.Groups["unit"].Value switch { "us" => value / 1000, "ms" => value, _ => value * 1000 };
    }

    private static Match Required(Regex pattern, string report, string what) =>
        pattern.Match(report) is { Success: true } match ? match : throw new InvalidOperationException($"wrk's report has no '{what}' line:{Environment.NewLine}{report}");

    [GeneratedRegex(@"^Requests/sec:\s+(?<value>[\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RateLine();

    [GeneratedRegex(@"^\s+(?<value>\d+) requests in", RegexOptions.Multiline)]
    private static partial Regex CountLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(?<value>\d+)")]
    private static partial Regex NotOkLine();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketLine();
}
