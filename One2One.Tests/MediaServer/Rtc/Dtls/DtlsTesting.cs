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

    /// <summary>
    /// The first datagram a BouncyCastle client sends (its ClientHello), taken before it reaches anyone; the client
    /// is then cancelled. Lets a test play a client's first flight to a session on a fake clock.
    /// </summary>
    public static async Task<byte[]> CaptureClientHelloAsync(TestDtlsSrtpClient? client = null)
    {
        client ??= Client();
        var captured = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var pipe = new DtlsTestPipe { ClientToServer = (datagram, _) => captured.TrySetResult(datagram) };
        var connect = pipe.ConnectClient(client);
        var hello = await captured.Task.WaitAsync(Bound);
        client.Cancel();
        await FluentActions.Awaiting(() => connect.WaitAsync(Bound)).Should().ThrowAsync<Exception>();
        return hello;
    }

    /// <summary>A session and a pipe to a BouncyCastle client, wired to each other; disposing disposes both.</summary>
    public static SessionUnderTest Connected(
        DtlsServerSessionOptions? options = null, TimeProvider? time = null, ILogger<DtlsServerSession>? logger = null, int clientSendLimit = 1200)
    {
        var pipe = new DtlsTestPipe { ClientSendLimit = clientSendLimit };
        var session = new DtlsServerSession(ServerCertificate, pipe, logger, time, options);
        pipe.Session = session;
        return new SessionUnderTest(session, pipe);
    }
}

/// <summary>A session under test and its pipe.</summary>
internal sealed record SessionUnderTest(DtlsServerSession Session, DtlsTestPipe Pipe) : IDisposable
{
    public void Dispose()
    {
        Session.Dispose();
        Pipe.Dispose();
    }
}
