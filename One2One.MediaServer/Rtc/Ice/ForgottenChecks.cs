using System.Buffers.Binary;
using One2One.MediaServer.Rtc.Stun;

namespace One2One.MediaServer.Rtc.Ice;

/// <summary>
/// The transaction IDs of accepted checks that the agent's ring of recent ones (<see cref="IceLiteAgent.RememberedChecks"/>)
/// let go, as a Bloom filter: a check replayed minutes later from an address of its own is still recognised. Short-term
/// credentials have no freshness (MESSAGE-INTEGRITY covers neither time nor address), so without it a check captured
/// early in a call could be replayed once 64 newer ones had pushed it out of the ring, and a nomination among them would
/// take the call's media path.
/// </summary>
/// <remarks>
/// 128 Kibit (16 KB), four bits per ID: after 5,000 IDs (about three hours of a browser's checks) a new ID is mistaken
/// for a known one about once in 2,500, after 18,000 once in 30. A mistake costs a new path one unanswered check
/// transaction; the browser's next check on that pair has another ID. Only IDs of checks that passed authentication go
/// in, so only the page itself can fill it. The IDs are hashed with a seed of the filter's own: a browser draws them
/// from a narrower alphabet than all 96 bits (Chromium's are base64 characters), so their bits are not spread enough to
/// serve as hashes. Not thread-safe: owned by its agent's caller (the transport's receive gate).
/// </remarks>
internal sealed class ForgottenChecks
{
    private const int Bits = 128 * 1024;
    private const int Hashes = 4;
    private readonly ulong[] _words = new ulong[Bits / 64];
    private readonly int _seed = Random.Shared.Next();

    public void Add(ReadOnlySpan<byte> transactionId)
    {
        var (h1, h2) = Hash(transactionId);
        for (var i = 0; i < Hashes; i++)
        {
            var bit = (h1 + ((uint)i * h2)) % Bits;
            _words[bit / 64] |= 1UL << (int)(bit % 64);
        }
    }

    public bool MayContain(ReadOnlySpan<byte> transactionId)
    {
        var (h1, h2) = Hash(transactionId);
        for (var i = 0; i < Hashes; i++)
        {
            var bit = (h1 + ((uint)i * h2)) % Bits;
            if ((_words[bit / 64] & (1UL << (int)(bit % 64))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    // Two seeded hashes of the 96-bit ID for double hashing (the second odd, so the four positions differ).
    private (ulong H1, ulong H2) Hash(ReadOnlySpan<byte> transactionId)
    {
        var id = transactionId[..StunMessage.TransactionIdLength];
        var low = BinaryPrimitives.ReadUInt64LittleEndian(id);
        var high = BinaryPrimitives.ReadUInt32LittleEndian(id[8..]);
        var h1 = (uint)HashCode.Combine(low, high, _seed);
        var h2 = (uint)HashCode.Combine(high, low, ~_seed);
        return (h1 % Bits, (h2 % Bits) | 1);
    }
}
