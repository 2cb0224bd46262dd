using System.Net;
using One2One.Tests.Support.Turn;

namespace One2One.Tests.Ice;

/// <summary>One coturn on 127.0.0.1 for a test class, with a secret of its own.</summary>
public sealed class CoturnFixture : IAsyncLifetime
{
    private Coturn? _coturn;

    internal Coturn Coturn => _coturn ?? throw new InvalidOperationException("coturn is not started.");

    public async Task InitializeAsync() =>
        _coturn = await Coturn.StartAsync(IPAddress.Loopback, $"secret-{Guid.NewGuid():N}");

    public async Task DisposeAsync()
    {
        if (_coturn is not null)
        {
            await _coturn.DisposeAsync();
        }
    }
}
