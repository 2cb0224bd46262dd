namespace One2One.MediaServer.Rtc.Dtls.Records;

/// <summary>
/// One connection's record state (RFC 6347 §4.1): the write sequence number of each epoch, the AES-GCM protection
/// of epoch 1 in both directions once the keys exist, and epoch 1's replay window and <see cref="BadRecordLimit"/>.
/// Epoch 0 is plaintext; there is no epoch after 1 because renegotiation is refused. Owned by the session's thread (its lock).
/// </summary>
internal sealed class DtlsRecordLayer(TimeProvider? time = null) : IDisposable
{
    private readonly long[] _writeSequence = new long[2];
    private readonly BadRecordLimit _badRecords = new(time ?? TimeProvider.System);
    private DtlsRecordProtection? _read1;
    private DtlsRecordProtection? _write1;
    private DtlsReplayWindow _replay1;

    /// <summary>True once the epoch 1 keys are installed.</summary>
    public bool HasEpoch1 => _read1 is not null;

    /// <summary>Bytes a record adds around its plaintext in <paramref name="epoch"/>.</summary>
    public static int Overhead(ushort epoch) => DtlsRecordHeader.Size + (epoch == 0 ? 0 : DtlsRecordProtection.Overhead);

    /// <summary>Where a record's plaintext starts, from the start of the record.</summary>
    public static int PlaintextOffset(ushort epoch) => DtlsRecordHeader.Size + (epoch == 0 ? 0 : DtlsRecordProtection.ExplicitNonceLength);

    public void InstallEpoch1(DtlsRecordProtection read, DtlsRecordProtection write)
    {
        _read1 = read;
        _write1 = write;
    }

    /// <summary>
    /// Finishes a record whose plaintext the caller wrote at <see cref="PlaintextOffset"/>: the header, the next
    /// sequence number of the epoch, and in epoch 1 the encryption. Returns the record's length.
    /// </summary>
    public int Seal(Span<byte> record, DtlsContentType type, ushort epoch, int plaintextLength)
    {
        var sequence = _writeSequence[epoch]++;
        if (epoch == 0)
        {
            new DtlsRecordHeader(type, DtlsRecordHeader.Dtls12, 0, sequence, plaintextLength).Write(record);
            return DtlsRecordHeader.Size + plaintextLength;
        }

        var write = _write1 ?? throw new InvalidOperationException("No epoch 1 keys yet.");
        write.Seal(type, epoch, sequence, record[DtlsRecordHeader.Size..], plaintextLength);
        var length = plaintextLength + DtlsRecordProtection.Overhead;
        new DtlsRecordHeader(type, DtlsRecordHeader.Dtls12, epoch, sequence, length).Write(record);
        return DtlsRecordHeader.Size + length;
    }

    /// <summary>
    /// The plaintext of a received record: epoch 0 as it is; epoch 1 authenticated and decrypted into
    /// <paramref name="scratch"/>, unless it is a replay (RFC 6347 §4.1.2.6) or fails authentication, which
    /// discards it silently (RFC 6347 §4.1.2.7), or comes while failures that cost an exception are over their limit.
    /// </summary>
    public DtlsRecordOpening Open(in DtlsRecordHeader header, ReadOnlySpan<byte> body, Span<byte> scratch, out ReadOnlySpan<byte> plaintext)
    {
        plaintext = default;
        if (header.Epoch == 0)
        {
            plaintext = body;
            return DtlsRecordOpening.Opened;
        }

        if (header.Epoch != 1)
        {
            return DtlsRecordOpening.Discarded;
        }

        if (_read1 is not { } read)
        {
            return DtlsRecordOpening.KeysNotYetKnown;
        }

        if (_replay1.IsReplay(header.SequenceNumber))
        {
            return DtlsRecordOpening.Discarded;
        }

        var failureThrows = !read.RefusesWithoutException;
        if (failureThrows && !_badRecords.MayExamine())
        {
            return DtlsRecordOpening.OverBadRecordLimit;
        }

        if (!read.TryOpen(header, body, scratch, out var length))
        {
            if (failureThrows)
            {
                _badRecords.CountFailure();
            }

            return DtlsRecordOpening.Discarded;
        }

        _replay1.Accept(header.SequenceNumber);
        plaintext = scratch[..length];
        return DtlsRecordOpening.Opened;
    }

    public void Dispose()
    {
        _read1?.Dispose();
        _write1?.Dispose();
        _read1 = null;
        _write1 = null;
    }
}

internal enum DtlsRecordOpening
{
    Opened,

    /// <summary>An epoch 1 record before the ClientKeyExchange gave us its keys (it overtook that record).</summary>
    KeysNotYetKnown,

    /// <summary>A replay, a forgery, or an epoch we do not know.</summary>
    Discarded,

    /// <summary>Dropped unexamined: too many records failed authentication just now (<see cref="BadRecordLimit"/>).</summary>
    OverBadRecordLimit,
}
