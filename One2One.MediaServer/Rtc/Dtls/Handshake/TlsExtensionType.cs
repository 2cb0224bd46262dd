namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>The ExtensionType values this server reads or sends (IANA TLS ExtensionType registry).</summary>
internal static class TlsExtensionType
{
    /// <summary>RFC 8422 §5.1.1 (named "elliptic_curves" there).</summary>
    public const ushort SupportedGroups = 10;

    /// <summary>RFC 8422 §5.1.2.</summary>
    public const ushort EcPointFormats = 11;

    /// <summary>RFC 5246 §7.4.1.4.1.</summary>
    public const ushort SignatureAlgorithms = 13;

    /// <summary>RFC 5764 §4.1.1.</summary>
    public const ushort UseSrtp = 14;

    /// <summary>RFC 7627 §5.1.</summary>
    public const ushort ExtendedMasterSecret = 23;

    /// <summary>RFC 5746 §3.2.</summary>
    public const ushort RenegotiationInfo = 0xFF01;

    /// <summary>TLS_EMPTY_RENEGOTIATION_INFO_SCSV, a cipher suite value that stands for an empty renegotiation_info (RFC 5746 §3.3).</summary>
    public const ushort EmptyRenegotiationInfoScsv = 0x00FF;

    /// <summary>ECPointFormat uncompressed (RFC 8422 §5.1.2).</summary>
    public const byte UncompressedPointFormat = 0;
}
