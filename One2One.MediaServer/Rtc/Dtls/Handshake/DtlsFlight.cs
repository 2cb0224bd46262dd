using System.Buffers;
using One2One.MediaServer.Rtc.Dtls.Records;

namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>
/// One flight of ours (RFC 6347 §4.2.4): the messages we send together and retransmit together. Each transmission
/// cuts every handshake message into as few fragments as the datagram size allows (RFC 6347 §4.2.3), packs records
/// into datagrams no larger than that size, and takes fresh record sequence numbers (RFC 6347 §4.1). Immutable once
/// built; sent on the session's thread.
/// </summary>
internal sealed class DtlsFlight
{
    /// <summary>A fragment smaller than this does not start at the end of a datagram; it goes into the next one.</summary>
    private const int MinFragment = 64;

    private readonly List<Entry> _entries = [];

    /// <summary>The smallest datagram size that fits a record of each kind with some payload.</summary>
    public static int MinDatagramSize => DtlsRecordLayer.Overhead(1) + HandshakeHeader.Size + MinFragment;

    public void AddHandshake(HandshakeType type, int messageSequence, byte[] body, ushort epoch) =>
        _entries.Add(new Entry(DtlsContentType.Handshake, epoch, type, messageSequence, body));

    /// <summary>ChangeCipherSpec (RFC 5246 §7.1): one byte, 1, in the current epoch (0).</summary>
    public void AddChangeCipherSpec() => _entries.Add(new Entry(DtlsContentType.ChangeCipherSpec, 0, default, 0, [1]));

    /// <summary>Sends the whole flight; returns the number of datagrams.</summary>
    public int Send(DtlsRecordLayer records, IDatagramSender sender, int maxDatagramSize)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(maxDatagramSize);
        var datagram = buffer.AsSpan(0, maxDatagramSize);
        var used = 0;
        var sent = 0;
        try
        {
            foreach (var entry in _entries)
            {
                if (entry.Type == DtlsContentType.ChangeCipherSpec)
                {
                    if (used + DtlsRecordLayer.Overhead(entry.Epoch) + 1 > maxDatagramSize)
                    {
                        Flush(ref used);
                    }

                    datagram[used + DtlsRecordLayer.PlaintextOffset(entry.Epoch)] = entry.Body[0];
                    used += records.Seal(datagram[used..], entry.Type, entry.Epoch, 1);
                    continue;
                }

                var offset = 0;
                while (true)
                {
                    var room = maxDatagramSize - used - DtlsRecordLayer.Overhead(entry.Epoch) - HandshakeHeader.Size;
                    var remaining = entry.Body.Length - offset;
                    if (room < Math.Min(remaining, MinFragment))
                    {
                        if (used == 0)
                        {
                            throw new InvalidOperationException($"A datagram of {maxDatagramSize} bytes cannot carry a handshake fragment.");
                        }

                        Flush(ref used);
                        continue;
                    }

                    var take = Math.Min(remaining, room);
                    var plaintext = datagram[(used + DtlsRecordLayer.PlaintextOffset(entry.Epoch))..];
                    new HandshakeHeader(entry.MessageType, entry.Body.Length, entry.MessageSequence, offset, take).Write(plaintext);
                    entry.Body.AsSpan(offset, take).CopyTo(plaintext[HandshakeHeader.Size..]);
                    used += records.Seal(datagram[used..], DtlsContentType.Handshake, entry.Epoch, HandshakeHeader.Size + take);
                    offset += take;
                    if (offset >= entry.Body.Length)
                    {
                        break;
                    }
                }
            }

            Flush(ref used);
            return sent;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        void Flush(ref int length)
        {
            if (length == 0)
            {
                return;
            }

            sender.Send(buffer.AsSpan(0, length));
            sent++;
            length = 0;
        }
    }

    private readonly record struct Entry(DtlsContentType Type, ushort Epoch, HandshakeType MessageType, int MessageSequence, byte[] Body);
}
