namespace One2One.Server.Hosting;

/// <summary>
/// <c>Client:TestHooks</c> (false by default). The client's build makes two bundles: <c>js/app.js</c>, the page, and
/// <c>js/app-test.js</c>, the same page plus the read-only <c>window.one2one</c> hook that browser tests read. When the
/// setting is true the page's request for <c>js/app.js</c> gets the test bundle; otherwise the test bundle is not served
/// at all, so a production page has no hook and none can be loaded into it.
/// </summary>
internal static class ClientTestHooks
{
    public const string SettingKey = "Client:TestHooks";

    private static readonly PathString Bundle = "/js/app.js";
    private static readonly PathString TestBundle = "/js/app-test.js";

    // What the test bundle's files are named, wherever a path puts them: the static files resolve "/js//app-test.js" and
    // "//js/app-test.js" to the same file, so an exact match on the path is not enough.
    private const string TestBundleName = "app-test.js";

    public static IApplicationBuilder UseClientTestHooks(this WebApplication app)
    {
        if (!app.Configuration.GetValue<bool>(SettingKey))
        {
            return app.Use((context, next) =>
            {
                if (context.Request.Path.Value?.Contains(TestBundleName, StringComparison.OrdinalIgnoreCase) == true)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }

                return next(context);
            });
        }

        HostingLog.ClientTestHooksOn(app.Logger);
        return app.Use((context, next) =>
        {
            if (context.Request.Path.Equals(Bundle, StringComparison.OrdinalIgnoreCase))
            {
                context.Request.Path = TestBundle;
            }

            return next(context);
        });
    }
}
