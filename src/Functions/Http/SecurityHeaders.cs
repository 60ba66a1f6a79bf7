using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace SunspotForecaster.Functions.Http;

/// <summary>
/// What every answer says to browsers, whichever function wrote it (an error or a 304 included):
/// never guess another content type than the one sent (<c>nosniff</c>). A startup filter, so it
/// runs first in the worker's ASP.NET Core pipeline without the functions knowing of it.
/// </summary>
public sealed class SecurityHeaders : IStartupFilter
{
    /// <summary>The page's policy: it is self-contained (its chart an inline image), and no other site may frame it.</summary>
    public const string PagePolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'";

    /// <summary>The chart's policy: an SVG opened alone runs nothing, loads nothing and is not framed by other sites.</summary>
    public const string ChartPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

    /// <summary>Registers the filter: the worker's Program and the test stand-in compose the same pipeline.</summary>
    public static IServiceCollection AddTo(IServiceCollection services) => services.AddTransient<IStartupFilter, SecurityHeaders>();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, rest) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return rest(context);
        });
        next(app);
    };
}
