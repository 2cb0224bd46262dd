var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

// The browser client, built from One2One.Client into wwwroot by the build (One2One.Client.targets).
app.UseDefaultFiles();
app.UseStaticFiles();

app.Run();

/// <summary>Entry point, public for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
