using One2One.Kurento;

namespace One2One.Server.Media;

/// <summary>The call's ICE states read again when the connection to its media server resumed our session.</summary>
internal sealed partial class CallMediaSession
{
    private void OnSessionResumed(object? sender, KurentoSessionResumedEventArgs e) => _ = RereadIceStatesAsync();

    /// <summary>
    /// The connection to the media server dropped and resumed our session: an ICE event raised meanwhile is lost, and with
    /// it the news that a side's path failed, or came back (the call would end when its window closes, with media flowing).
    /// Each side's ICE state is read again and reported as its event would have been: a failure not seen, a return to a side
    /// whose path was lost (a side the call waits for for another reason, its page away, is not told back by a state that
    /// never changed). A read counts for nothing when an event of the endpoint or a new offer of the page came after it was
    /// sent (the event is newer; the offer is for a connection the read knows nothing of), or while the page's newest offer
    /// is not yet on its endpoint (the state read is its previous connection's).
    /// </summary>
    private async Task RereadIceStatesAsync()
    {
        foreach (var leg in new[] { _caller, _callee })
        {
            WebRtcEndpoint? endpoint;
            int seen;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                endpoint = leg.AnsweredOffer == leg.LatestOffer ? leg.Endpoint : null;
                seen = leg.IceEvents;
            }

            if (endpoint is null)
            {
                continue;
            }

            IceComponentState state;
            try
            {
                using var timeout = new CancellationTokenSource(ReleaseTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _lifetime.Token);
                var components = await endpoint.GetIceConnectionStateAsync(linked.Token).ConfigureAwait(false);
                if (components.Count == 0)
                {
                    continue;
                }

                // The path is up when every component is (one, bundled and rtcp-muxed), lost when any failed.
                state = components.Any(c => c.State == IceComponentState.Failed) ? IceComponentState.Failed : components.Min(c => c.State);
            }
            catch (Exception ex) when (ex is KurentoException or OperationCanceledException or ObjectDisposedException)
            {
                if (!_lifetime.IsCancellationRequested)
                {
                    // Not worth a warning when the call ended meanwhile.
                    MediaLog.IceStateRereadFailed(_logger, _callId, leg.Side, ex);
                }

                continue;
            }

            MediaLog.IceStateReread(_logger, _callId, leg.Side, state);
            bool report;
            lock (_gate)
            {
                report = !_disposed && ReferenceEquals(leg.Endpoint, endpoint) && leg.IceEvents == seen && leg.AnsweredOffer == leg.LatestOffer
                    && (state == IceComponentState.Failed ? !leg.PathLost : leg.PathLost && state is IceComponentState.Connected or IceComponentState.Ready);
                if (report)
                {
                    leg.PathLost = state == IceComponentState.Failed;
                }
            }

            if (report)
            {
                ReportIceState(leg, state);
            }
        }
    }
}
