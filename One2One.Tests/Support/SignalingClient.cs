using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using One2One.Server.Contracts;

namespace One2One.Tests.Support;

/// <summary>
/// A browser's side of the signaling, through the real .NET SignalR client over a real WebSocket. Every
/// callback is recorded in arrival order; tests take them one by one and so also check their order.
/// </summary>
public sealed class SignalingClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The longest a hub method may take before the test gives up on it: the server's keep-alive pings keep a connection
    /// whose invocation never completes open for ever, and a test must fail, not hang. Far above any method's work
    /// (the slowest wait on a media server's 15 s request timeout or a cluster's take-over).
    /// </summary>
    public static readonly TimeSpan InvocationWait = TimeSpan.FromMinutes(2);

    private readonly HubConnection _connection;
    private readonly Channel<object> _received = Channel.CreateUnbounded<object>();

    // Who-is-online arrives beside every other callback once registered; kept apart so tests of calls see their own.
    private readonly Channel<object> _presence = Channel.CreateUnbounded<object>();

    private SignalingClient(HubConnection connection)
    {
        _connection = connection;
        connection.On<RegisterResponse>(nameof(IOne2OneClient.RegisterResponse), Record);
        connection.On<CallResponse>(nameof(IOne2OneClient.CallResponse), Record);
        connection.On<IncomingCall>(nameof(IOne2OneClient.IncomingCall), Record);
        connection.On<StartCommunication>(nameof(IOne2OneClient.StartCommunication), Record);
        connection.On<StopCommunication>(nameof(IOne2OneClient.StopCommunication), Record);
        connection.On<IceCandidate>(nameof(IOne2OneClient.IceCandidate), Record);
        connection.On<Renegotiated>(nameof(IOne2OneClient.Renegotiated), Record);
        connection.On<PeerReconnecting>(nameof(IOne2OneClient.PeerReconnecting), Record);
        connection.On<PeerReconnected>(nameof(IOne2OneClient.PeerReconnected), Record);
        connection.On<MediaState>(nameof(IOne2OneClient.PeerMediaState), Record);
        connection.On<OnlineUserList>(nameof(IOne2OneClient.OnlineUsers), list => _presence.Writer.TryWrite(list));
        connection.On<PresenceChange>(nameof(IOne2OneClient.PresenceChanged), change => _presence.Writer.TryWrite(change));
    }

    public string? Name { get; private set; }

    public HubConnectionState State => _connection.State;

    /// <summary>Connects, from 127.0.0.1 or from <paramref name="source"/>.</summary>
    /// <param name="accessToken">A bearer token for a server in Jwt mode; the .NET client sends it in the Authorization header.</param>
    public static Task<SignalingClient> ConnectAsync(Uri hubUri, ClientSource? source = null, string? accessToken = null) =>
        ConnectAsync(hubUri, source is null ? null : new Func<Uri, CancellationToken, Task<System.Net.WebSockets.WebSocket>>(async (uri, token) => await source.ConnectWebSocketAsync(ClientSource.WebSocketUri(uri), token)), accessToken);

    /// <summary>Connects to a server, over a real socket or, for an in-memory server, over its TestServer.</summary>
    public static Task<SignalingClient> ConnectAsync(One2OneServerFactory server, string? accessToken = null) =>
        ConnectAsync(server.HubUri, server.InMemoryWebSocket, accessToken);

    /// <summary>Connects to <paramref name="server"/> and registers <paramref name="name"/>, expecting it to be accepted.</summary>
    public static async Task<SignalingClient> RegisteredAsync(One2OneServerFactory server, string name)
    {
        var client = await ConnectAsync(server);
        var response = await client.RegisterAsync(name);
        response.Response.Should().Be(Responses.Accepted, response.Message);
        return client;
    }

    private static async Task<SignalingClient> ConnectAsync(Uri hubUri, Func<Uri, CancellationToken, Task<System.Net.WebSockets.WebSocket>>? webSocket, string? accessToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(hubUri, o =>
            {
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                if (webSocket is not null)
                {
                    o.SkipNegotiation = true;
                    o.WebSocketFactory = async (context, token) => await webSocket(context.Uri, token);
                }

                if (accessToken is not null)
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                }
            })
            .Build();
        var client = new SignalingClient(connection);
        using var deadline = new CancellationTokenSource(InvocationWait);
        try
        {
            await connection.StartAsync(deadline.Token);
        }
        catch (Exception ex)
        {
            await connection.DisposeAsync();
            if (ex is OperationCanceledException && deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"The connection to {hubUri} did not start within {InvocationWait}.", ex);
            }

            throw;
        }

        return client;
    }

    /// <summary>Connects and registers <paramref name="name"/>, expecting it to be accepted.</summary>
    public static async Task<SignalingClient> RegisteredAsync(Uri hubUri, string name, ClientSource? source = null, string? accessToken = null)
    {
        var client = await ConnectAsync(hubUri, source, accessToken);
        var response = await client.RegisterAsync(name);
        response.Response.Should().Be(Responses.Accepted, response.Message);
        return client;
    }

    public Task<RegisterResponse> RegisterAsync(string? name) => RegistrationAsync(name, "Register", name);

    /// <summary>Registers again as <paramref name="name"/> with the resume token of a connection that closed during a call.</summary>
    public Task<RegisterResponse> ResumeAsync(string? name, string? resumeToken) => RegistrationAsync(name, "Resume", name, resumeToken);

    /// <summary>The token from the last accepted registration.</summary>
    public string? ResumeToken { get; private set; }

    private async Task<RegisterResponse> RegistrationAsync(string? name, string method, params object?[] args)
    {
        await InvokeBoundedAsync(method, args);
        var response = await ExpectAsync<RegisterResponse>();
        if (response.Response == Responses.Accepted)
        {
            Name = name?.Trim();
            ResumeToken = response.ResumeToken;
        }

        return response;
    }

    private Task InvokeBoundedAsync(string method, params object?[] args) => InvokeBoundedAsync<object?>(method, args);

    private async Task<T> InvokeBoundedAsync<T>(string method, params object?[] args)
    {
        using var deadline = new CancellationTokenSource(InvocationWait);
        try
        {
            return await _connection.InvokeCoreAsync<T>(method, args, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name ?? "client"}: {method} did not complete within {InvocationWait}.");
        }
    }

    public Task CallAsync(string? to, string? sdpOffer) => InvokeBoundedAsync("Call", to, sdpOffer);

    public Task AcceptAsync(string from, string sdpOffer) =>
        InvokeBoundedAsync("IncomingCallResponse", from, CallAnswers.Accept, sdpOffer);

    public Task RejectAsync(string from) =>
        InvokeBoundedAsync("IncomingCallResponse", from, CallAnswers.Reject, null);

    public Task AnswerAsync(string? from, string? callResponse, string? sdpOffer) =>
        InvokeBoundedAsync("IncomingCallResponse", from, callResponse, sdpOffer);

    public Task StopAsync() => InvokeBoundedAsync("Stop");

    /// <summary>Leaves: the name is freed at once and a call in progress ends as a hang-up; the connection stays open.</summary>
    public Task UnregisterAsync() => InvokeBoundedAsync("Unregister");

    public Task RenegotiateAsync(string? sdpOffer) => InvokeBoundedAsync("Renegotiate", sdpOffer);

    public Task<IceConfiguration> GetIceServersAsync() => InvokeBoundedAsync<IceConfiguration>("GetIceServers");

    public Task SetMediaStateAsync(MediaState? state) => InvokeBoundedAsync("SetMediaState", state);

    /// <summary>The next OnlineUsers or PresenceChanged, which must be a <typeparamref name="T"/>.</summary>
    public async Task<T> ExpectPresenceAsync<T>(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? DefaultWait);
        var next = await _presence.Reader.ReadAsync(timeout.Token);
        return next.Should().BeOfType<T>().Subject;
    }

    /// <summary>The next OnlineUsers or PresenceChanged, whichever it is.</summary>
    public async Task<object> NextPresenceAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        return await _presence.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Presence messages received and not yet taken.</summary>
    public List<object> DrainPresence()
    {
        var list = new List<object>();
        while (_presence.Reader.TryRead(out var item))
        {
            list.Add(item);
        }

        return list;
    }

    public Task SendCandidateAsync(IceCandidateInit? candidate) => InvokeBoundedAsync("OnIceCandidate", candidate);

    /// <summary>The next callback, whatever it is.</summary>
    public async Task<object> NextAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? DefaultWait);
        try
        {
            return await _received.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name ?? "client"}: no message from the server within {(wait ?? DefaultWait).TotalSeconds} s.");
        }
    }

    /// <summary>The next callback, which must be a <typeparamref name="T"/>.</summary>
    public async Task<T> ExpectAsync<T>(TimeSpan? wait = null)
    {
        var message = await NextAsync(wait);
        return message.Should().BeOfType<T>($"{Name ?? "the client"} expected {typeof(T).Name} next").Subject;
    }

    /// <summary>Takes callbacks until a <typeparamref name="T"/>; the ones skipped are returned too.</summary>
    public async Task<(T Message, List<object> Skipped)> WaitForAsync<T>(TimeSpan? wait = null)
    {
        var skipped = new List<object>();
        while (true)
        {
            var message = await NextAsync(wait);
            if (message is T wanted)
            {
                return (wanted, skipped);
            }

            skipped.Add(message);
        }
    }

    /// <summary>Callbacks already received and not yet taken.</summary>
    public List<object> Drain()
    {
        var list = new List<object>();
        while (_received.Reader.TryRead(out var message))
        {
            list.Add(message);
        }

        return list;
    }

    /// <summary>Closes the connection as a closed tab would.</summary>
    public Task DisconnectAsync() => _connection.StopAsync();

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    private void Record<T>(T message) where T : notnull => _received.Writer.TryWrite(message);
}
