// Contracts that differ from the server's by one thing, to show ClientContractTests catches each kind of drift.
namespace One2One.Tests.ClientSdk.Drift;

internal static class ReasonsWithOneMore
{
    public const string InvalidName = One2One.Server.Signaling.Reasons.InvalidName;
    public const string NameTaken = One2One.Server.Signaling.Reasons.NameTaken;
    public const string AlreadyRegistered = One2One.Server.Signaling.Reasons.AlreadyRegistered;
    public const string UnknownUser = One2One.Server.Signaling.Reasons.UnknownUser;
    public const string SelfCall = One2One.Server.Signaling.Reasons.SelfCall;
    public const string Busy = One2One.Server.Signaling.Reasons.Busy;
    public const string NoAnswer = One2One.Server.Signaling.Reasons.NoAnswer;
    public const string Declined = One2One.Server.Signaling.Reasons.Declined;
    public const string Cancelled = One2One.Server.Signaling.Reasons.Cancelled;
    public const string HungUp = One2One.Server.Signaling.Reasons.HungUp;
    public const string PeerDisconnected = One2One.Server.Signaling.Reasons.PeerDisconnected;
    public const string MediaError = One2One.Server.Signaling.Reasons.MediaError;
    public const string IceFailed = One2One.Server.Signaling.Reasons.IceFailed;
    public const string MediaServerLost = One2One.Server.Signaling.Reasons.MediaServerLost;
    public const string InvalidOffer = One2One.Server.Signaling.Reasons.InvalidOffer;
    public const string ServerShutdown = One2One.Server.Signaling.Reasons.ServerShutdown;
    public const string RateLimited = One2One.Server.Signaling.Reasons.RateLimited;
    public const string ServerBusy = One2One.Server.Signaling.Reasons.ServerBusy;
    public const string NameNotAllowed = One2One.Server.Signaling.Reasons.NameNotAllowed;
    public const string ResumeExpired = One2One.Server.Signaling.Reasons.ResumeExpired;
    public const string ResumeRefused = One2One.Server.Signaling.Reasons.ResumeRefused;
    public const string CallRecorded = "call-recorded";
}

/// <summary>IOne2OneClient with one more field in StopCommunication.</summary>
internal interface IClientWithAFieldMore
{
    Task RegisterResponse(One2One.Server.Signaling.RegisterResponse response);

    Task CallResponse(One2One.Server.Signaling.CallResponse response);

    Task IncomingCall(One2One.Server.Signaling.IncomingCall call);

    Task StartCommunication(One2One.Server.Signaling.StartCommunication communication);

    Task StopCommunication(StopCommunication communication);

    Task IceCandidate(One2One.Server.Signaling.IceCandidate candidate);

    Task Renegotiated(One2One.Server.Signaling.Renegotiated renegotiated);

    Task PeerReconnecting(One2One.Server.Signaling.PeerReconnecting reconnecting);

    Task PeerReconnected(One2One.Server.Signaling.PeerReconnected reconnected);

    Task PeerMediaState(One2One.Server.Signaling.MediaState state);

    Task OnlineUsers(One2One.Server.Signaling.OnlineUserList users);

    Task PresenceChanged(One2One.Server.Signaling.PresenceChange change);
}

internal sealed record StopCommunication(string? Message = null, string? Reason = null, int? Code = null);
