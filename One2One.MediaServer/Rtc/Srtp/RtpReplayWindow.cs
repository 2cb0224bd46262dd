using System.Runtime.CompilerServices;

namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>
/// The highest SRTP packet index accepted and a 1,024-packet window below it (RFC 3711 §3.3.2), as browsers keep
/// (libwebrtc's <c>window_size = 1024</c>): a packet sent again for a NACK comes a round trip late, after many newer ones,
/// with its original sequence number (no RTX is negotiated), and must not be taken for a replay. The window is a ring of
/// bits indexed by packet index modulo <see cref="Size"/>, so moving it costs only the bits it passes.
/// </summary>
internal struct RtpReplayWindow
{
    public const int Size = 1024;
    private const int Words = Size / 64;

    public ulong Highest;
    private Bits _seen;

    public static RtpReplayWindow StartingAt(ulong index)
    {
        var window = new RtpReplayWindow { Highest = index };
        window.Set(index);
        return window;
    }

    /// <summary>Already accepted, or too far behind the window to tell.</summary>
    public readonly bool IsReplay(ulong index)
    {
        if (index > Highest)
        {
            return false;
        }

        return Highest - index >= Size || IsSet(index);
    }

    public void Accept(ulong index)
    {
        if (index > Highest)
        {
            ulong ahead = index - Highest;
            if (ahead >= Size)
            {
                ((Span<ulong>)_seen).Clear();
            }
            else
            {
                // The indexes passed over join the window unseen.
                for (ulong passed = Highest + 1; passed < index; passed++)
                {
                    Clear(passed);
                }
            }

            Highest = index;
            Set(index);
        }
        else if (Highest - index < Size)
        {
            Set(index);
        }
    }

    /// <summary>
    /// The 48-bit SRTP index of a sequence number near the highest one seen (RFC 3711 §3.3.1, Appendix A): the rollover
    /// counter guess v is ROC - 1, ROC or ROC + 1. False when v would leave 0..2^32-1.
    /// </summary>
    public static bool TryEstimateIndex(ulong highest, ushort sequenceNumber, out ulong index)
    {
        long roc = (long)(highest >> 16);
        int highestSequence = (int)(highest & 0xFFFF);
        long guess = highestSequence < 32768
            ? (sequenceNumber - highestSequence > 32768 ? roc - 1 : roc)
            : (highestSequence - 32768 > sequenceNumber ? roc + 1 : roc);
        if (guess is < 0 or > uint.MaxValue)
        {
            index = 0;
            return false;
        }

        index = ((ulong)guess << 16) | sequenceNumber;
        return true;
    }

    private readonly bool IsSet(ulong index) => ((_seen[Word(index)] >> Bit(index)) & 1) != 0;

    private void Set(ulong index) => _seen[Word(index)] |= 1UL << Bit(index);

    private void Clear(ulong index) => _seen[Word(index)] &= ~(1UL << Bit(index));

    private static int Word(ulong index) => (int)(index / 64 % Words);

    private static int Bit(ulong index) => (int)(index % 64);

    [InlineArray(Words)]
    private struct Bits
    {
        private ulong _element;
    }
}
