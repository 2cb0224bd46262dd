using System.Collections.Immutable;
using One2One.Server.Cluster;

namespace One2One.Server.Calls;

/// <summary>
/// A registration on its way to this node (a page resuming here that another node held): what the call's home sends it
/// before it is registered here is kept, and handed over in order once it is, before anything sent after.
/// </summary>
/// <remarks>
/// Thread-safe: <see cref="_gate"/> orders buffering against <see cref="Complete"/>, which hands over what was kept under
/// it, so a delivery that comes after the hand-over is handed over after it.
/// </remarks>
internal sealed class Arrival
{
    /// <summary>More than a call's home sends in the moment a registration moves; beyond it, later ones are dropped.</summary>
    public const int Capacity = 256;

    private readonly Lock _gate = new();
    private readonly List<(CallMember Member, ImmutableArray<ClientDelivery> Messages)> _kept = [];
    private Action<CallMember, ImmutableArray<ClientDelivery>>? _deliver;
    private bool _abandoned;

    /// <summary>
    /// Keeps <paramref name="messages"/> until the registration is here, or hands them over at once if it is. False when the
    /// arrival was abandoned (the resume failed): nobody is coming.
    /// </summary>
    public bool TryDeliver(CallMember member, ImmutableArray<ClientDelivery> messages)
    {
        lock (_gate)
        {
            if (_abandoned)
            {
                return false;
            }

            if (_deliver is { } deliver)
            {
                deliver(member, messages);
            }
            else if (_kept.Count < Capacity)
            {
                _kept.Add((member, messages));
            }

            return true;
        }
    }

    /// <summary>The registration is here: what was kept is handed to <paramref name="deliver"/>, in order, and so is everything after.</summary>
    public void Complete(Action<CallMember, ImmutableArray<ClientDelivery>> deliver)
    {
        lock (_gate)
        {
            foreach (var (member, messages) in _kept)
            {
                deliver(member, messages);
            }

            _kept.Clear();
            _deliver = deliver;
        }
    }

    /// <summary>The resume failed: what was kept is dropped.</summary>
    public void Abandon()
    {
        lock (_gate)
        {
            _abandoned = true;
            _kept.Clear();
        }
    }
}
