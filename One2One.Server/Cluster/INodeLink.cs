using System.Collections.Immutable;

namespace One2One.Server.Cluster;

/// <summary>
/// One app node as the other nodes reach it (an Orleans grain observer, one per node; its reference travels in the
/// <see cref="NameClaim"/> of every name registered there). A call between people on two nodes lives on the caller's node,
/// its <em>home</em>; the callee's node is its <em>member</em>. The home asks the member to put its user in the call and
/// delivers that user's messages; the member forwards what its user's page asks of the call.
/// </summary>
/// <remarks>
/// Each sender awaits one call before making the next (see <c>OrderedSender</c>), so what one side sends arrives in the
/// order sent: a page gets its answer before its first server candidate on any node.
/// </remarks>
public interface INodeLink : IGrainObserver
{
    // ---- asked of the member (the node of the called user's connection) ----

    /// <summary>Puts the user registered as <paramref name="member"/> in the call, if they are free: busy is decided on their node.</summary>
    Task<JoinAnswer> JoinCall(CallMember member, string callerName, INodeLink home, SiloAddress homeNode);

    /// <summary>
    /// Messages for the member's page, in order; <see cref="ClientMethod.LeftCall"/> frees its call slot. A batch that
    /// failed is sent again with the same <paramref name="batch"/>: the member's node passes each batch on once, and only
    /// while the member is in that call (or has just left it, for the end's notice).
    /// </summary>
    Task Deliver(CallMember member, DeliveryBatch batch, ImmutableArray<ClientDelivery> messages);

    /// <summary>
    /// Where the call's media is (a media server's address and the pipeline's id), once reserved: should the home die, the
    /// member's node releases the pipeline at once rather than leaving it to the media server's session collection.
    /// </summary>
    Task MediaReserved(CallMember member, string mediaServer, string pipelineId);

    /// <summary>The member's page resumed at the call's home (its node seemed lost): this node lets the user go quietly.</summary>
    Task TakenOver(CallMember member);

    /// <summary>
    /// The call's home died and <paramref name="home"/> took the call over: the member's user forwards its page's requests
    /// there from now on (the member's page and the taking node's participant were on two different live nodes). False
    /// when the member is no longer in that call.
    /// </summary>
    Task<bool> CallMoved(CallMember member, INodeLink home, SiloAddress homeNode);

    // ---- asked of any node holding a registration ----

    /// <summary>
    /// The page of the registration named <paramref name="name"/> came back on another node with <paramref name="token"/>:
    /// if the token is good, the registration moves there (<paramref name="to"/>), with the next token's key
    /// <paramref name="nextKey"/>, and its call stays where it lives. Null when the token is no good here.
    /// </summary>
    Task<MovedRegistration?> MoveRegistration(string name, string token, string nextKey, INodeLink to, SiloAddress toNode);

    // ---- asked of the home (the node the call lives on) ----

    /// <summary>The member's IncomingCallResponse.</summary>
    Task<RemoteRefusal?> Answer(CallMember member, string? from, string? callResponse, string? sdpOffer);

    /// <summary>
    /// The member's Stop: a hang-up (a ring declined). Answered once done, <see cref="HubRejection.NoCall"/> when the home
    /// no longer has the call (it ended and its notice to the member's node was lost): either way the member's slot goes.
    /// </summary>
    Task<RemoteRefusal?> HangUp(CallMember member);

    /// <summary>A candidate from the member's page.</summary>
    Task<RemoteRefusal?> AddCandidate(CallMember member, string candidate, string? sdpMid, int? sdpMLineIndex);

    /// <summary>The member's page offers again (a new RTCPeerConnection).</summary>
    Task<RemoteRefusal?> Renegotiate(CallMember member, string? sdpOffer);

    /// <summary>The member muted or unmuted.</summary>
    Task<RemoteRefusal?> SetMediaState(CallMember member, bool audio, bool video);

    /// <summary>The member's connection was lost without a hang-up; its page has <paramref name="window"/> to come back.</summary>
    Task Detached(CallMember member, TimeSpan window);

    /// <summary>The member's page came back on its node, with the key of its next resume token.</summary>
    Task Resumed(CallMember member, string resumeKey);

    /// <summary>The member's registration ended: it left on purpose (a hang-up) or did not come back (a disconnect).</summary>
    Task Left(CallMember member, bool disconnected);
}

/// <summary>A participant of a call homed on another node: the call's id and the participant's registration (its name's claim).</summary>
[GenerateSerializer, Immutable]
public sealed record CallMember([property: Id(0)] string CallId, [property: Id(1)] string Name, [property: Id(2)] string Registration);

/// <summary>
/// A registration given up by its node for a page that resumed elsewhere: its id, and the call it is in (its id, the
/// peer, the call's home). <see cref="AskHome"/>: the call lives on a third node, which holds the page's place in it;
/// ask <see cref="Home"/> as well.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MovedRegistration(
    [property: Id(0)] string Registration,
    [property: Id(1)] string? CallId = null,
    [property: Id(2)] string? Peer = null,
    [property: Id(3)] INodeLink? Home = null,
    [property: Id(4)] SiloAddress? HomeNode = null,
    [property: Id(5)] bool AskHome = false);

/// <summary>What the member's node answered to <see cref="INodeLink.JoinCall"/>.</summary>
[GenerateSerializer]
public enum JoinResult
{
    Joined,
    Busy,
    Reconnecting,
    Unknown,
}

/// <summary>The member's answer, and when joined the key of its page's current resume token (so it can resume at the home).</summary>
[GenerateSerializer, Immutable]
public sealed record JoinAnswer([property: Id(0)] JoinResult Result, [property: Id(1)] string? ResumeKey = null);

/// <summary>
/// A request of the member's page that the call refused: its reason code and message, as the page gets them.
/// <see cref="CallGone"/>: the home has no such call at all (it ended, and its notice to the member's node was lost), so
/// the member's slot goes; such a refusal is counted where the page hears it, every other one at the home.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RemoteRefusal([property: Id(0)] string Reason, [property: Id(1)] string Message, [property: Id(2)] bool CallGone = false);

/// <summary>
/// Which batch of a call's deliveries to one member this is: the sending outbox (a new one when the call moves to a new
/// home) and its number there, counted from 1 in the order sent.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct DeliveryBatch([property: Id(0)] Guid Sender, [property: Id(1)] long Number);

/// <summary>A typed callback for the member's page (IOne2OneClient's method and its argument as JSON).</summary>
[GenerateSerializer, Immutable]
public sealed record ClientDelivery([property: Id(0)] ClientMethod Method, [property: Id(1)] string? Json);

/// <summary>The page callbacks a call sends, plus <see cref="LeftCall"/> (the call slot goes free before the end is heard).</summary>
[GenerateSerializer]
public enum ClientMethod
{
    LeftCall,
    CallResponse,
    IncomingCall,
    StartCommunication,
    StopCommunication,
    IceCandidate,
    Renegotiated,
    PeerReconnecting,
    PeerReconnected,
    PeerMediaState,
    RegisterResponse,
    OnlineUsers,
    PresenceChanged,
}
