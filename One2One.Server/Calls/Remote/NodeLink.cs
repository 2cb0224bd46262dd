using System.Collections.Immutable;
using One2One.Server.Cluster;

namespace One2One.Server.Calls;

/// <summary>
/// This node's <see cref="INodeLink"/>: what other nodes ask of it, handed to the <see cref="CallService"/> here. Kept
/// alive by the service (Orleans holds an observer weakly).
/// </summary>
/// <remarks>Each method returns quickly: work that waits on a media server runs in the background.</remarks>
internal sealed class NodeLink(CallService calls) : INodeLink
{
    public Task<JoinAnswer> JoinCall(CallMember member, string callerName, INodeLink home, SiloAddress homeNode) =>
        Task.FromResult(calls.JoinAsMember(member, callerName, home, homeNode));

    public Task Deliver(CallMember member, DeliveryBatch batch, ImmutableArray<ClientDelivery> messages)
    {
        calls.DeliverToMember(new MemberBatch(member, batch, messages));
        return Task.CompletedTask;
    }

    public Task MediaReserved(CallMember member, string mediaServer, string pipelineId)
    {
        calls.RecordMemberMedia(member, mediaServer, pipelineId);
        return Task.CompletedTask;
    }

    public Task TakenOver(CallMember member)
    {
        calls.LetRegistrationGo(member);
        return Task.CompletedTask;
    }

    public Task<bool> CallMoved(CallMember member, INodeLink home, SiloAddress homeNode) =>
        Task.FromResult(calls.MoveMemberCall(member, home, homeNode));

    public Task<MovedRegistration?> MoveRegistration(string name, string token, string nextKey, INodeLink to, SiloAddress toNode) =>
        Task.FromResult(calls.MoveRegistrationAway(name, token, nextKey, to, toNode));

    public Task<RemoteRefusal?> Answer(CallMember member, string? from, string? callResponse, string? sdpOffer) =>
        Task.FromResult(calls.AtHome(member, (call, user) => calls.Answer(user, from, callResponse, sdpOffer)));

    public Task<RemoteRefusal?> HangUp(CallMember member) =>
        Task.FromResult(calls.AtHome(member, (call, user) => calls.Stop(user)));

    public Task<RemoteRefusal?> AddCandidate(CallMember member, string candidate, string? sdpMid, int? sdpMLineIndex) =>
        Task.FromResult(calls.AtHome(member, (call, user) => calls.ApplyBrowserCandidate(user, new(candidate, sdpMid, sdpMLineIndex))));

    public Task<RemoteRefusal?> Renegotiate(CallMember member, string? sdpOffer) =>
        Task.FromResult(calls.AtHome(member, (call, user) => calls.ApplyRenegotiate(user, sdpOffer)));

    public Task<RemoteRefusal?> SetMediaState(CallMember member, bool audio, bool video) =>
        Task.FromResult(calls.AtHome(member, (call, user) => calls.ApplyMediaState(user, new(audio, video))));

    public Task Detached(CallMember member, TimeSpan window) =>
        Task.FromResult(calls.AtHome(member, (call, user) => calls.MemberDetached(call, user, window)));

    public Task Resumed(CallMember member, string resumeKey) =>
        Task.FromResult(calls.AtHome(member, (call, user) => calls.MemberResumed(user, resumeKey)));

    public Task Left(CallMember member, bool disconnected) =>
        Task.FromResult(calls.AtHome(member, (call, user) => calls.MemberLeft(call, user, disconnected)));
}
