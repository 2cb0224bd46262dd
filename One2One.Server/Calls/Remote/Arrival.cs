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
    private readonly List<MemberBatch> _kept = [];
    private Action<MemberBatch>? _deliver;
    private bool _abandoned;

    /// <summary>
    /// Keeps <paramref name="batch"/> until the registration is here, or hands it over at once if it is. False when the
    /// arrival was abandoned (the resume failed): nobody is coming.
    /// </summary>
    public bool TryDeliver(MemberBatch batch)
    {
        lock (_gate)
        {
            if (_abandoned)
            {
                return false;
            }

            if (_deliver is { } deliver)
            {
                deliver(batch);
            }
            else if (_kept.Count < Capacity)
            {
                _kept.Add(batch);
            }

            return true;
        }
    }

    /// <summary>The registration is here: what was kept is handed to <paramref name="deliver"/>, in order, and so is everything after.</summary>
    public void Complete(Action<MemberBatch> deliver)
    {
        lock (_gate)
        {
            foreach (var batch in _kept)
            {
                deliver(batch);
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

/// <summary>A batch of messages from a call's home for a member's page (see <see cref="INodeLink.Deliver"/>).</summary>
internal sealed record MemberBatch(CallMember Member, DeliveryBatch Batch, ImmutableArray<ClientDelivery> Messages);
