using Microsoft.Extensions.Logging;
using One2One.MediaServer.Rtc.Dtls;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>What the DTLS tests share: certificates, the liveness bound, and the check that both ends derived the same keys.</summary>
internal static class DtlsTesting
{
    /// <summary>A liveness bound for awaits, not a speed claim: a healthy handshake takes milliseconds.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Shared;

    public static readonly DtlsCertificate ClientCertificate = DtlsCertificate.Create();

    public static TestDtlsSrtpClient Client(int[]? profiles = null, bool sendCertificate = true, bool offerSrtp = true) =>
        new(ClientCertificate, ServerCertificate.Fingerprint, profiles, sendCertificate, offerSrtp);

    public static void ShouldMatch(SrtpKeyingMaterial server, SrtpKeyingMaterial client)
    {
        server.Profile.Should().Be(client.Profile);
        server.ClientWriteKey.ToArray().Should().Equal(client.ClientWriteKey.ToArray());
        server.ClientWriteSalt.ToArray().Should().Equal(client.ClientWriteSalt.ToArray());
        server.ServerWriteKey.ToArray().Should().Equal(client.ServerWriteKey.ToArray());
        server.ServerWriteSalt.ToArray().Should().Equal(client.ServerWriteSalt.ToArray());
        server.ClientWriteKey.ToArray().Should().NotEqual(server.ServerWriteKey.ToArray());
    }

    /// <summary>A session and a pipe to a BouncyCastle client, wired to each other.</summary>
    public static (DtlsServerSession Session, DtlsTestPipe Pipe) Connected(
        DtlsServerSessionOptions? options = null, TimeProvider? time = null, ILogger<DtlsServerSession>? logger = null, int clientSendLimit = 1200)
    {
        var pipe = new DtlsTestPipe { ClientSendLimit = clientSendLimit };
        var session = new DtlsServerSession(ServerCertificate, pipe, logger, time, options);
        pipe.Session = session;
        return (session, pipe);
    }
}
