namespace One2One.MediaServer.Rtc.Dtls.Records;

/// <summary>ContentType of a record (RFC 5246 §6.2.1).</summary>
internal enum DtlsContentType : byte
{
    ChangeCipherSpec = 20,
    Alert = 21,
    Handshake = 22,
    ApplicationData = 23,
}
