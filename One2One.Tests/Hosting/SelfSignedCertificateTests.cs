using Microsoft.Extensions.Logging.Abstractions;
using One2One.Server.Hosting;

namespace One2One.Tests.Hosting;

public sealed class SelfSignedCertificateTests
{
    [Fact]
    public void A_certificate_that_cannot_be_saved_is_still_served()
    {
        // A regular file where the folder should be: the directory cannot be created.
        var blocker = Path.Combine(Path.GetTempPath(), $"one2one-not-a-dir-{Guid.NewGuid():N}");
        File.WriteAllText(blocker, "");
        try
        {
            var path = Path.Combine(blocker, "One2One", "cert.pfx");

            var certificate = SelfSignedCertificate.Create(TimeProvider.System.GetUtcNow());
            var saved = SelfSignedCertificate.TrySave(certificate, path, NullLogger.Instance);

            saved.Should().BeFalse();
            certificate.HasPrivateKey.Should().BeTrue();
            certificate.Subject.Should().Contain("One2One");
        }
        finally
        {
            File.Delete(blocker);
        }
    }
}
