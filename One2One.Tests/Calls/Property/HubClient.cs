using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using One2One.Server.Contracts;

namespace One2One.Tests.Calls.Property;

/// <summary>
/// One client of a random run: a .NET SignalR connection over a real WebSocket, every callback recorded in order, and
/// what the callbacks told it: the peer it is ringing with or in a call with. <see cref="Believed"/> is fed only by
/// callbacks and by its own successful requests, so it is what a browser would show.
/// </summary>
internal sealed class HubClient : IAsyncDisposable
{
    private readonly List<object> _received = [];
    private readonly Lock _gate = new();
    private HubConnection? _connection;
    private int _consumed;

    public HubClient(string name) => Name = name;

    /// <summary>The name this client registers (each run has its own names).</summary>
    public string Name { get; }

    public bool Connected => _connection?.State == HubConnectionState.Connected;

    public string? ConnectionId => _connection?.ConnectionId;

    /// <summary>Registered, as the last RegisterResponse said.</summary>
    public bool Registered { get; private set; }

    /// <summary>The peers this client was told it is ringing with or in a call with; more than one is a violation.</summary>
    public HashSet<string> Believed { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whom this client last called successfully, until an answer or an end says otherwise.</summary>
    public string? Calling { get; set; }

    /// <summary>Whether it received its answer (CallResponse accepted or StartCommunication) in the current call.</summary>
    public bool Answered { get; private set; }

    public List<string> Violations { get; } = [];

    public List<object> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public async Task ConnectAsync(Uri hub)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(hub, o => o.Transports = HttpTransportType.WebSockets)
            .Build();
        connection.On<RegisterResponse>(nameof(IOne2OneClient.RegisterResponse), Record);
        connection.On<CallResponse>(nameof(IOne2OneClient.CallResponse), Record);
        connection.On<IncomingCall>(nameof(IOne2OneClient.IncomingCall), Record);
        connection.On<StartCommunication>(nameof(IOne2OneClient.StartCommunication), Record);
        connection.On<StopCommunication>(nameof(IOne2OneClient.StopCommunication), Record);
        connection.On<IceCandidate>(nameof(IOne2OneClient.IceCandidate), Record);
        await connection.StartAsync();
        _connection = connection;
        Registered = false;
        Forget();
    }

    public Task InvokeAsync(string method, params object?[] arguments) =>
        _connection!.InvokeCoreAsync(method, arguments);

    /// <summary>Closes the connection as a closed tab would; what it believed goes with it.</summary>
    public async Task DisconnectAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }

        Registered = false;
        Forget();
    }

    /// <summary>The callbacks received since the last call, folded into what the client believes.</summary>
    public void Absorb()
    {
        List<object> fresh;
        lock (_gate)
        {
            fresh = _received.GetRange(_consumed, _received.Count - _consumed);
            _consumed = _received.Count;
        }

        foreach (var message in fresh)
        {
            switch (message)
            {
                case RegisterResponse response:
                    Registered |= response.Response == Responses.Accepted;
                    break;
                case IncomingCall call:
                    if (Believed.Count > 0 && !Believed.Contains(call.From))
                    {
                        Violations.Add($"{Name} was offered a call from {call.From} while in a call with {string.Join(", ", Believed)}");
                    }

                    Believed.Add(call.From);
                    break;
                case CallResponse { Response: Responses.Accepted } when Calling is not null:
                    Believed.Add(Calling);
                    Answered = true;
                    break;
                case CallResponse { Response: Responses.Accepted }:
                    Violations.Add($"{Name} got an accepted CallResponse without having called anyone");
                    break;
                case CallResponse:
                    Forget();
                    break;
                case StartCommunication:
                    if (Believed.Count == 0)
                    {
                        Violations.Add($"{Name} got StartCommunication without a call");
                    }

                    Answered = true;
                    break;
                case StopCommunication:
                    Forget();
                    break;
            }

            if (Believed.Count > 1)
            {
                Violations.Add($"{Name} believes it is in calls with {string.Join(", ", Believed)} at once");
            }
        }
    }

    /// <summary>The client ended its own call (Stop, a rejection): the server tells the one who ends nothing.</summary>
    public void Forget()
    {
        Believed.Clear();
        Calling = null;
        Answered = false;
    }

    public async ValueTask DisposeAsync() => await DisconnectAsync();

    private void Record<T>(T message) where T : notnull
    {
        lock (_gate)
        {
            _received.Add(message);
        }
    }
}
