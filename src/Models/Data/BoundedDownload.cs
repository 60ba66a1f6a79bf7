namespace SunspotForecaster.Models.Data;

/// <summary>Reads an HTTP response body whole, within <see cref="DownloadLimits"/>.</summary>
public static class BoundedDownload
{
    /// <exception cref="HttpRequestException">The body is larger than the limit.</exception>
    /// <exception cref="TimeoutException">The server paused longer than the stall limit.</exception>
    public static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, string location, DownloadLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(limits);
        if (response.Content.Headers.ContentLength > limits.MaxBytes)
        {
            throw new HttpRequestException($"{location} sends {response.Content.Headers.ContentLength:N0} bytes; at most {limits.MaxBytes:N0} are accepted.");
        }

        using var body = new MemoryStream((int)Math.Min(response.Content.Headers.ContentLength ?? 1 << 20, limits.MaxBytes));
        await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        byte[] chunk = new byte[81_920];
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            stall.CancelAfter(limits.Stall);
            int read;
            try
            {
                read = await stream.ReadAsync(chunk, stall.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{location} stopped sending for {limits.Stall.TotalSeconds:0.#} s after {body.Length:N0} bytes.");
            }

            if (read == 0)
            {
                return body.ToArray();
            }

            if (body.Length + read > limits.MaxBytes)
            {
                throw new HttpRequestException($"{location} sends more than {limits.MaxBytes:N0} bytes; that is not the file asked for.");
            }

            body.Write(chunk, 0, read);
        }
    }

    /// <summary>
    /// Runs <paramref name="download"/> within <paramref name="limits"/>'s total time; past it, a
    /// <see cref="TimeoutException"/> that says so (the caller's own cancellation stays a cancellation).
    /// </summary>
    public static async Task<T> WithinAsync<T>(string location, DownloadLimits limits, Func<CancellationToken, Task<T>> download, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(download);
        using var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        total.CancelAfter(limits.Total);
        try
        {
            return await download(total.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The download of {location} took longer than {limits.Total.TotalSeconds:0.#} s.");
        }
    }
}
