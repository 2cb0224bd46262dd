namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>
/// A parsed DTLS ClientHello (RFC 6347 §4.2.1, RFC 5246 §7.4.1.2) with the extensions this server acts on; unknown
/// extensions are skipped (RFC 5246 §7.4.1.4). Immutable once parsed.
/// </summary>
internal sealed class ClientHello
{
    private ClientHello(ushort version, byte[] random)
    {
        ClientVersion = version;
        Random = random;
    }

    public ushort ClientVersion { get; }

    public byte[] Random { get; }

    public IReadOnlyList<ushort> CipherSuites { get; private set; } = [];

    public bool OffersNullCompression { get; private set; }

    /// <summary>The supported_groups list, or null if the extension is absent.</summary>
    public IReadOnlyList<ushort>? SupportedGroups { get; private set; }

    /// <summary>The ec_point_formats list, or null if the extension is absent.</summary>
    public IReadOnlyList<byte>? PointFormats { get; private set; }

    /// <summary>The signature_algorithms list, or null if the extension is absent.</summary>
    public IReadOnlyList<ushort>? SignatureAlgorithms { get; private set; }

    /// <summary>The use_srtp protection profiles, or null if the extension is absent.</summary>
    public IReadOnlyList<ushort>? SrtpProfiles { get; private set; }

    public bool OffersExtendedMasterSecret { get; private set; }

    /// <summary>An empty renegotiation_info or the SCSV (RFC 5746 §3.6): the answer must carry an empty renegotiation_info.</summary>
    public bool SignalsSecureRenegotiation { get; private set; }

    /// <summary>A non-empty renegotiation_info, which must abort an initial handshake (RFC 5746 §3.6).</summary>
    public bool HasRenegotiatedConnection { get; private set; }

    public static bool TryParse(ReadOnlySpan<byte> body, out ClientHello? hello, out string? error)
    {
        hello = null;
        var reader = new TlsReader(body);
        if (!reader.TryReadUInt16(out var version) || !reader.TryReadBytes(32, out var random)
            || !reader.TryReadVector8(out var sessionId) || sessionId.Length > 32
            || !reader.TryReadVector8(out _)
            || !reader.TryReadVector16(out var suites) || suites.Length < 2 || suites.Length % 2 != 0
            || !reader.TryReadVector8(out var compression) || compression.IsEmpty)
        {
            error = "the ClientHello is malformed";
            return false;
        }

        // The cookie is read and ignored: we send no HelloVerifyRequest (see DtlsServerConnection).
        var parsed = new ClientHello(version, random.ToArray()) { OffersNullCompression = compression.IndexOf((byte)0) >= 0 };
        var suiteList = new ushort[suites.Length / 2];
        var suiteReader = new TlsReader(suites);
        for (var i = 0; i < suiteList.Length; i++)
        {
            suiteReader.TryReadUInt16(out suiteList[i]);
            parsed.SignalsSecureRenegotiation |= suiteList[i] == TlsExtensionType.EmptyRenegotiationInfoScsv;
        }

        parsed.CipherSuites = suiteList;
        if (!reader.IsEmpty)
        {
            if (!reader.TryReadVector16(out var extensions) || !reader.IsEmpty)
            {
                error = "the ClientHello's extensions are malformed";
                return false;
            }

            if (!parsed.TryReadExtensions(extensions, out error))
            {
                return false;
            }
        }

        hello = parsed;
        error = null;
        return true;
    }

    private bool TryReadExtensions(ReadOnlySpan<byte> extensions, out string? error)
    {
        var seen = new HashSet<ushort>();
        var reader = new TlsReader(extensions);
        while (!reader.IsEmpty)
        {
            if (!reader.TryReadUInt16(out var type) || !reader.TryReadVector16(out var data))
            {
                error = "the ClientHello's extensions are malformed";
                return false;
            }

            // RFC 5246 §7.4.1.4: at most one extension of each type.
            if (!seen.Add(type))
            {
                error = $"the ClientHello has the extension {type} twice";
                return false;
            }

            bool ok;
            switch (type)
            {
                case TlsExtensionType.SupportedGroups:
                    ok = TryReadUInt16List(data, out var groups);
                    SupportedGroups = groups;
                    break;
                case TlsExtensionType.EcPointFormats:
                    ok = TryReadPointFormats(data);
                    break;
                case TlsExtensionType.SignatureAlgorithms:
                    ok = TryReadUInt16List(data, out var algorithms);
                    SignatureAlgorithms = algorithms;
                    break;
                case TlsExtensionType.UseSrtp:
                    ok = TryReadUseSrtp(data);
                    break;
                case TlsExtensionType.ExtendedMasterSecret:
                    ok = data.IsEmpty;
                    OffersExtendedMasterSecret = true;
                    break;
                case TlsExtensionType.RenegotiationInfo:
                    ok = TryReadRenegotiationInfo(data);
                    break;
                default:
                    ok = true;
                    break;
            }

            if (!ok)
            {
                error = $"the ClientHello's extension {type} is malformed";
                return false;
            }
        }

        error = null;
        return true;
    }

    private static bool TryReadUInt16List(ReadOnlySpan<byte> data, out ushort[] values)
    {
        values = [];
        var reader = new TlsReader(data);
        if (!reader.TryReadVector16(out var list) || !reader.IsEmpty || list.Length % 2 != 0)
        {
            return false;
        }

        values = new ushort[list.Length / 2];
        var items = new TlsReader(list);
        for (var i = 0; i < values.Length; i++)
        {
            items.TryReadUInt16(out values[i]);
        }

        return true;
    }

    private bool TryReadPointFormats(ReadOnlySpan<byte> data)
    {
        var reader = new TlsReader(data);
        if (!reader.TryReadVector8(out var formats) || !reader.IsEmpty || formats.IsEmpty)
        {
            return false;
        }

        PointFormats = formats.ToArray();
        return true;
    }

    /// <summary>RFC 5764 §4.1.1: SRTPProtectionProfiles&lt;2..2^16-1&gt;, then srtp_mki&lt;0..255&gt;.</summary>
    private bool TryReadUseSrtp(ReadOnlySpan<byte> data)
    {
        var reader = new TlsReader(data);
        if (!reader.TryReadVector16(out var profiles) || profiles.Length < 2 || profiles.Length % 2 != 0
            || !reader.TryReadVector8(out _) || !reader.IsEmpty)
        {
            return false;
        }

        var values = new ushort[profiles.Length / 2];
        var items = new TlsReader(profiles);
        for (var i = 0; i < values.Length; i++)
        {
            items.TryReadUInt16(out values[i]);
        }

        SrtpProfiles = values;
        return true;
    }

    private bool TryReadRenegotiationInfo(ReadOnlySpan<byte> data)
    {
        var reader = new TlsReader(data);
        if (!reader.TryReadVector8(out var renegotiated) || !reader.IsEmpty)
        {
            return false;
        }

        SignalsSecureRenegotiation = true;
        HasRenegotiatedConnection = !renegotiated.IsEmpty;
        return true;
    }
}
