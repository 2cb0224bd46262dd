using One2One.Server.Contracts;

// Contracts that differ from the server's by one thing, to show ClientContractTests catches each kind of drift.
namespace One2One.Tests.ClientSdk.Drift;

internal static class ReasonsWithOneMore
{
    public const string InvalidName = One2One.Server.Contracts.Reasons.InvalidName;
    public const string NameTaken = One2One.Server.Contracts.Reasons.NameTaken;
    public const string AlreadyRegistered = One2One.Server.Contracts.Reasons.AlreadyRegistered;
    public const string UnknownUser = One2One.Server.Contracts.Reasons.UnknownUser;
    public const string SelfCall = One2One.Server.Contracts.Reasons.SelfCall;
    public const string Busy = One2One.Server.Contracts.Reasons.Busy;
    public const string Unavailable = One2One.Server.Contracts.Reasons.Unavailable;
    public const string NoAnswer = One2One.Server.Contracts.Reasons.NoAnswer;
    public const string Declined = One2One.Server.Contracts.Reasons.Declined;
    public const string Cancelled = One2One.Server.Contracts.Reasons.Cancelled;
    public const string HungUp = One2One.Server.Contracts.Reasons.HungUp;
    public const string PeerDisconnected = One2One.Server.Contracts.Reasons.PeerDisconnected;
    public const string MediaError = One2One.Server.Contracts.Reasons.MediaError;
    public const string IceFailed = One2One.Server.Contracts.Reasons.IceFailed;
    public const string MediaServerLost = One2One.Server.Contracts.Reasons.MediaServerLost;
    public const string InvalidOffer = One2One.Server.Contracts.Reasons.InvalidOffer;
    public const string ServerShutdown = One2One.Server.Contracts.Reasons.ServerShutdown;
    public const string RateLimited = One2One.Server.Contracts.Reasons.RateLimited;
    public const string ServerBusy = One2One.Server.Contracts.Reasons.ServerBusy;
    public const string NameNotAllowed = One2One.Server.Contracts.Reasons.NameNotAllowed;
    public const string ResumeExpired = One2One.Server.Contracts.Reasons.ResumeExpired;
    public const string ResumeRefused = One2One.Server.Contracts.Reasons.ResumeRefused;
    public const string CallRecorded = "call-recorded";
}

/// <summary>IOne2OneClient with one more field in StopCommunication.</summary>
internal interface IClientWithAFieldMore
{
    Task RegisterResponse(One2One.Server.Contracts.RegisterResponse response);

    Task CallResponse(One2One.Server.Contracts.CallResponse response);

    Task IncomingCall(One2One.Server.Contracts.IncomingCall call);

    Task StartCommunication(One2One.Server.Contracts.StartCommunication communication);

    Task StopCommunication(StopCommunication communication);

    Task IceCandidate(One2One.Server.Contracts.IceCandidate candidate);

    Task Renegotiated(One2One.Server.Contracts.Renegotiated renegotiated);

    Task PeerReconnecting(One2One.Server.Contracts.PeerReconnecting reconnecting);

    Task PeerReconnected(One2One.Server.Contracts.PeerReconnected reconnected);

    Task PeerMediaState(One2One.Server.Contracts.MediaState state);

    Task OnlineUsers(One2One.Server.Contracts.OnlineUserList users);

    Task PresenceChanged(One2One.Server.Contracts.PresenceChange change);
}

internal sealed record StopCommunication(string? Message = null, string? Reason = null, int? Code = null);
