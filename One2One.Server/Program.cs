using One2One.Server.Hosting;
using One2One.Server.Observability;
using One2One.Server.Signaling;

var builder = WebApplication.CreateBuilder(args);
builder.UseOne2OneEndpoints();
builder.Services.AddOne2One(builder.Configuration);

var app = builder.Build();
app.UseTrustedProxies();

// The browser client, built from One2One.Client into wwwroot by the build (One2One.Client.targets).
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapOne2OneHub();
app.MapOne2OneObservability();
app.Run();

/// <summary>Entry point, public for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
