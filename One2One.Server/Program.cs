using System.Globalization;
using One2One.Server.Auth;
using One2One.Server.Cluster;
using One2One.Server.Hosting;
using One2One.Server.Observability;
using One2One.Server.Signaling;

// ICU is loaded for its Unicode data (names, see UserName), not for the machine's culture: what the server writes to
// pages, logs and the wire reads the same whatever LANG says.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

var builder = WebApplication.CreateBuilder(args);
if (DevelopmentTokenCommand.IsInvoked(args))
{
    return DevelopmentTokenCommand.Run(args, builder.Configuration, Console.Out, Console.Error, TimeProvider.System);
}

builder.UseOne2OneEndpoints();
builder.UseOne2OneCluster();
builder.Services.AddOne2One(builder.Configuration);

var app = builder.Build();
app.UseTrustedProxies();
app.UsePageSecurityHeaders();
app.UseHubOrigins();
app.UseConnectionQuota();
app.UseHubAuthentication();

// The browser client, built from One2One.Client into wwwroot by the build (One2One.Client.targets).
app.UseClientTestHooks();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapOne2OneHub().RequireHubAuthorization(app.Services);
app.MapOne2OneObservability();
app.Run();
return 0;

/// <summary>Entry point, public for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
