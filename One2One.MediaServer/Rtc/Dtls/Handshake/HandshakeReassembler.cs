namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>
/// Puts the peer's handshake messages back together (RFC 6347 §4.2.3): fragments of a message in any order,
/// overlapping or repeated, messages out of order within a small window after the next expected message_seq.
/// Memory is bounded whatever the peer sends: a message longer than the limit, a message_seq beyond the window, or
/// a fragment that would take the buffered total over the budget is dropped (the peer retransmits). Complete
/// messages come out strictly in message_seq order. Owned by the session's thread.
/// </summary>
internal sealed class HandshakeReassembler
{
    private readonly PartialMessage?[] _window;
    private readonly int _maxMessageLength;
    private readonly int _maxBufferedBytes;

    public HandshakeReassembler(int maxMessageLength, int maxBufferedBytes, int window = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _window = new PartialMessage?[window];
        _maxMessageLength = maxMessageLength;
        _maxBufferedBytes = maxBufferedBytes;
    }

    /// <summary>The message_seq of the next message to hand out; lower ones are retransmissions.</summary>
    public int NextSequence { get; private set; }

    /// <summary>Bytes held for incomplete or not yet taken messages (each message's length, plus its bitmap).</summary>
    public int BufferedBytes { get; private set; }

    public HandshakeFragmentResult Add(in HandshakeHeader header, ReadOnlySpan<byte> fragment, ushort epoch)
    {
        if (header.MessageSequence < NextSequence)
        {
            return HandshakeFragmentResult.AlreadyReceived;
        }

        var slot = header.MessageSequence - NextSequence;
        if (slot >= _window.Length || header.Length > _maxMessageLength)
        {
            return HandshakeFragmentResult.Dropped;
        }

        var message = _window[slot];
        if (message is null)
        {
            var cost = PartialMessage.Cost(header.Length);
            if (BufferedBytes + cost > _maxBufferedBytes)
            {
                return HandshakeFragmentResult.Dropped;
            }

            message = new PartialMessage(header.Type, header.Length, epoch);
            _window[slot] = message;
            BufferedBytes += cost;
        }
        else if (message.Type != header.Type || message.Length != header.Length || message.Epoch != epoch)
        {
            // RFC 6347 §4.2.3 leaves inconsistent fragments undefined; keeping the first one is the safe reading.
            return HandshakeFragmentResult.Dropped;
        }

        message.Add(header.FragmentOffset, fragment[..header.FragmentLength]);
        return HandshakeFragmentResult.Accepted;
    }

    /// <summary>The next message in order, if it is complete.</summary>
    public bool TryTakeNext(out HandshakeMessage message)
    {
        if (_window[0] is not { IsComplete: true } next)
        {
            message = default;
            return false;
        }

        message = new HandshakeMessage(next.Type, NextSequence, next.Epoch, next.Body);
        BufferedBytes -= PartialMessage.Cost(next.Length);
        Array.Copy(_window, 1, _window, 0, _window.Length - 1);
        _window[^1] = null;
        NextSequence++;
        return true;
    }

    /// <summary>Drops everything buffered (the handshake ended).</summary>
    public void Clear()
    {
        Array.Clear(_window);
        BufferedBytes = 0;
    }

    private sealed class PartialMessage(HandshakeType type, int length, ushort epoch)
    {
        private byte[]? _received;
        private int _receivedCount;

        public HandshakeType Type { get; } = type;

        public int Length { get; } = length;

        public ushort Epoch { get; } = epoch;

        public byte[] Body { get; } = length == 0 ? [] : new byte[length];

        public bool IsComplete => _receivedCount == Length;

        public static int Cost(int length) => length + (length + 7) / 8;

        public void Add(int offset, ReadOnlySpan<byte> fragment)
        {
            if (IsComplete)
            {
                return;
            }

            if (offset == 0 && fragment.Length == Length && _receivedCount == 0)
            {
                fragment.CopyTo(Body);
                _receivedCount = Length;
                return;
            }

            // One bit per byte received, so overlapping fragments count once.
            _received ??= new byte[(Length + 7) / 8];
            fragment.CopyTo(Body.AsSpan(offset));
            for (var i = offset; i < offset + fragment.Length; i++)
            {
                var bit = (byte)(1 << (i & 7));
                if ((_received[i >> 3] & bit) == 0)
                {
                    _received[i >> 3] |= bit;
                    _receivedCount++;
                }
            }

            if (IsComplete)
            {
                _received = null;
            }
        }
    }
}

internal enum HandshakeFragmentResult
{
    Accepted,

    /// <summary>A fragment of a message already handed out: the peer is retransmitting.</summary>
    AlreadyReceived,

    /// <summary>Out of the window, too long, over the memory budget, or inconsistent with earlier fragments.</summary>
    Dropped,
}

/// <summary>A complete handshake message from the peer, with the epoch of the records that carried it.</summary>
internal readonly record struct HandshakeMessage(HandshakeType Type, int Sequence, ushort Epoch, byte[] Body);
