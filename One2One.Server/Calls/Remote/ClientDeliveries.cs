using System.Text.Json;
using One2One.Server.Cluster;
using One2One.Server.Contracts;

namespace One2One.Server.Calls;

/// <summary>
/// Turns a message posted to a user's outbox (a call of <see cref="IOne2OneClient"/>) into a <see cref="ClientDelivery"/>
/// that can travel to the user's node, and back into the call there. JSON, as SignalR itself would send it.
/// </summary>
/// <remarks>Stateless; any thread.</remarks>
internal static class ClientDeliveries
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ClientDelivery LeftCall { get; } = new(ClientMethod.LeftCall, null);

    /// <summary>A batch sent on its own, outside any <see cref="RemoteOutbox"/>: a sender of its own.</summary>
    public static DeliveryBatch Alone => new(Guid.NewGuid(), 1);

    /// <summary>What <paramref name="send"/> sends, captured (it is run against a recorder, never a connection).</summary>
    public static ClientDelivery Capture(Func<IOne2OneClient, Task> send)
    {
        var recorder = new Recorder();
        send(recorder);
        return recorder.Captured ?? throw new InvalidOperationException("The message sends nothing to the client.");
    }

    /// <summary>Sends <paramref name="delivery"/> to <paramref name="client"/>.</summary>
    public static Task SendTo(IOne2OneClient client, ClientDelivery delivery) => delivery.Method switch
    {
        ClientMethod.CallResponse => client.CallResponse(Read<CallResponse>(delivery)),
        ClientMethod.IncomingCall => client.IncomingCall(Read<IncomingCall>(delivery)),
        ClientMethod.StartCommunication => client.StartCommunication(Read<StartCommunication>(delivery)),
        ClientMethod.StopCommunication => client.StopCommunication(Read<StopCommunication>(delivery)),
        ClientMethod.IceCandidate => client.IceCandidate(Read<IceCandidate>(delivery)),
        ClientMethod.Renegotiated => client.Renegotiated(Read<Renegotiated>(delivery)),
        ClientMethod.PeerReconnecting => client.PeerReconnecting(Read<PeerReconnecting>(delivery)),
        ClientMethod.PeerReconnected => client.PeerReconnected(Read<PeerReconnected>(delivery)),
        ClientMethod.PeerMediaState => client.PeerMediaState(Read<MediaState>(delivery)),
        ClientMethod.RegisterResponse => client.RegisterResponse(Read<RegisterResponse>(delivery)),
        ClientMethod.OnlineUsers => client.OnlineUsers(Read<OnlineUserList>(delivery)),
        ClientMethod.PresenceChanged => client.PresenceChanged(Read<PresenceChange>(delivery)),
        _ => throw new ArgumentOutOfRangeException(nameof(delivery), delivery.Method, "Not a client callback."),
    };

    private static T Read<T>(ClientDelivery delivery) =>
        JsonSerializer.Deserialize<T>(delivery.Json ?? "null", Json) ?? throw new JsonException($"An empty {delivery.Method}.");

    /// <summary>A client whose every callback records its message instead of sending it.</summary>
    private sealed class Recorder : IOne2OneClient
    {
        public ClientDelivery? Captured { get; private set; }

        public Task RegisterResponse(RegisterResponse response) => Record(ClientMethod.RegisterResponse, response);

        public Task CallResponse(CallResponse response) => Record(ClientMethod.CallResponse, response);

        public Task IncomingCall(IncomingCall call) => Record(ClientMethod.IncomingCall, call);

        public Task StartCommunication(StartCommunication communication) => Record(ClientMethod.StartCommunication, communication);

        public Task StopCommunication(StopCommunication communication) => Record(ClientMethod.StopCommunication, communication);

        public Task IceCandidate(IceCandidate candidate) => Record(ClientMethod.IceCandidate, candidate);

        public Task Renegotiated(Renegotiated renegotiated) => Record(ClientMethod.Renegotiated, renegotiated);

        public Task PeerReconnecting(PeerReconnecting reconnecting) => Record(ClientMethod.PeerReconnecting, reconnecting);

        public Task PeerReconnected(PeerReconnected reconnected) => Record(ClientMethod.PeerReconnected, reconnected);

        public Task PeerMediaState(MediaState state) => Record(ClientMethod.PeerMediaState, state);

        public Task OnlineUsers(OnlineUserList users) => Record(ClientMethod.OnlineUsers, users);

        public Task PresenceChanged(PresenceChange change) => Record(ClientMethod.PresenceChanged, change);

        private Task Record<T>(ClientMethod method, T message)
        {
            Captured = new ClientDelivery(method, JsonSerializer.Serialize(message, Json));
            return Task.CompletedTask;
        }
    }
}
