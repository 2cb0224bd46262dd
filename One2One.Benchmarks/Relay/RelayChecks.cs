using One2One.MediaServer.Elements;

namespace One2One.Benchmarks.Relay;

internal static class RelayChecks
{
    /// <summary>A benchmark of the drop path would be meaningless: every packet must have been relayed.</summary>
    public static void ThrowIfAnyDropped(RelayPair pair)
    {
        var source = pair.Source.Transport.Counters;
        var sink = pair.Sink.Transport.Counters;
        if (source.TotalDropped != 0 || sink.SendFailed != 0 || pair.Source.UnroutablePackets != 0)
        {
            throw new InvalidOperationException(
                $"Packets were dropped: source dropped {source.TotalDropped} (unprotect failed {source.UnprotectFailed}), "
                + $"unroutable {pair.Source.UnroutablePackets}, sink send failed {sink.SendFailed}.");
        }

        if (!pair.Sink.IsMediaFlowingOut(KurentoMediaType.Video))
        {
            throw new InvalidOperationException("The sink reports no video flowing out.");
        }
    }
}
