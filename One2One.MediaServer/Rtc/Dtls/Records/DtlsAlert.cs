namespace One2One.MediaServer.Rtc.Dtls.Records;

/// <summary>AlertLevel (RFC 5246 §7.2).</summary>
internal enum DtlsAlertLevel : byte
{
    Warning = 1,
    Fatal = 2,
}

/// <summary>The AlertDescription values this server sends or names in its logs (RFC 5246 §7.2, RFC 5746, RFC 8446 §6).</summary>
internal enum DtlsAlertDescription : byte
{
    CloseNotify = 0,
    UnexpectedMessage = 10,
    BadRecordMac = 20,
    RecordOverflow = 22,
    HandshakeFailure = 40,
    BadCertificate = 42,
    UnsupportedCertificate = 43,
    CertificateUnknown = 46,
    IllegalParameter = 47,
    DecodeError = 50,
    DecryptError = 51,
    ProtocolVersion = 70,
    InsufficientSecurity = 71,
    InternalError = 80,
    NoRenegotiation = 100,
    UnsupportedExtension = 110,
}

/// <summary>A fatal protocol failure inside the state machine: the alert we send, and the reason in words.</summary>
internal sealed class DtlsAlertException(DtlsAlertDescription description, string reason) : Exception(reason)
{
    public DtlsAlertDescription Description { get; } = description;
}
