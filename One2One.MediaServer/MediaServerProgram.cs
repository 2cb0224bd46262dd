using Microsoft.AspNetCore.Builder;

namespace One2One.MediaServer;

/// <summary>The media server on its own: <c>dotnet run --project One2One.MediaServer -- --urls http://127.0.0.1:8888</c>.</summary>
public static class MediaServerProgram
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        await using var app = builder.Build();
        await app.RunAsync();
    }
}
