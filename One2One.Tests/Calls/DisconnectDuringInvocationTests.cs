using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using One2One.Server.Signaling;
using One2One.Tests.Limits;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>
/// A connection that closes while one of its invocations is still running: SignalR runs OnDisconnectedAsync without
/// waiting for it, so a Register waiting for its name's claim (a storage write; Redis, in a cluster) used to register the
/// name after the disconnect had found nobody to let go: the name held for good by a connection that no longer existed,
/// outside its address's quota. The connection's end now runs after the invocation.
/// </summary>
public sealed class DisconnectDuringInvocationTests
{
    [Fact]
    public async Task A_client_that_closes_while_its_register_is_under_way_does_not_keep_the_name()
    {
        var registerHeld = new RegisterHeldUntilClosed();
        await using var server = new One2OneServerFactory
        {
            ReconnectWindow = TimeSpan.FromSeconds(1),
            ConfigureServices = services => services.Configure<HubOptions>(hub => hub.AddFilter(registerHeld)),
        };
        server.StartServer();

        var client = await RawHubClient.ConnectAsync(server.HubUri, new ClientSource(), receiveBufferSize: 4096);
        await client.SendAsync(RawHubClient.Invocation("Register", "bob"), CancellationToken.None);
        await registerHeld.Started.WaitAsync(SignalingClient.DefaultWait);
        await client.DisposeAsync();

        // The Register carries on after the disconnect, and the connection's end after it: bob is held for a resume as
        // any lost connection is, then let go when the window passes.
        await registerHeld.Finished.WaitAsync(SignalingClient.DefaultWait);
        await Eventually.TrueAsync(() => server.Users().FindByName("bob") is null, "bob's registration goes with its connection");
        server.Services.GetRequiredService<ClientConnections>().Count.Should().Be(0);
        await using var bobAgain = await SignalingClient.RegisteredAsync(server.HubUri, "bob");
    }

    /// <summary>Holds the first Register (inside the server's own filters) until the hub's OnDisconnectedAsync has run.</summary>
    private sealed class RegisterHeldUntilClosed : IHubFilter
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public Task Finished => _finished.Task;

        public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
        {
            if (invocationContext.HubMethodName != "Register" || !_started.TrySetResult())
            {
                return await next(invocationContext);
            }

            // As a claim slower than the client's close: the disconnect has been handled before the Register goes on.
            await _disconnected.Task;
            try
            {
                return await next(invocationContext);
            }
            finally
            {
                _finished.TrySetResult();
            }
        }

        public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
        {
            await next(context, exception);
            _disconnected.TrySetResult();
        }
    }
}
