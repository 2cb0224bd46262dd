using One2One.Kurento;

namespace One2One.Server.Media;

/// <summary>
/// Holds the media server's candidates for one browser until that browser has its SDP answer (a browser
/// cannot add a candidate before its remote description), then lets them through in order.
/// Guarded by its own lock: candidates arrive on the Kurento client's event loop, the answer on the set-up task.
/// </summary>
internal sealed class ServerCandidateGate
{
    private readonly Lock _gate = new();
    private readonly List<KurentoIceCandidate> _held = [];
    private Action<KurentoIceCandidate>? _deliver;

    /// <summary>Delivers now if the answer went out, else holds the candidate.</summary>
    public void Add(KurentoIceCandidate candidate)
    {
        lock (_gate)
        {
            if (_deliver is null)
            {
                _held.Add(candidate);
            }
            else
            {
                _deliver(candidate);
            }
        }
    }

    /// <summary>Called once the answer has been posted: releases what was held, then passes the rest straight on.</summary>
    public void Open(Action<KurentoIceCandidate> deliver)
    {
        lock (_gate)
        {
            foreach (var candidate in _held)
            {
                deliver(candidate);
            }

            _held.Clear();
            _deliver = deliver;
        }
    }
}
