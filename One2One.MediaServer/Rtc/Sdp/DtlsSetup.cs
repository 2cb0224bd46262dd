namespace One2One.MediaServer.Rtc.Sdp;

/// <summary>The a=setup attribute (RFC 4145 §4, RFC 8842): which side starts the DTLS handshake.</summary>
internal enum DtlsSetup { ActPass, Active, Passive, HoldConn }

internal static class DtlsSetups
{
    public static bool TryParse(string value, out DtlsSetup setup)
    {
        switch (value.ToLowerInvariant())
        {
            case "actpass": setup = DtlsSetup.ActPass; return true;
            case "active": setup = DtlsSetup.Active; return true;
            case "passive": setup = DtlsSetup.Passive; return true;
            case "holdconn": setup = DtlsSetup.HoldConn; return true;
            default: setup = default; return false;
        }
    }
}
