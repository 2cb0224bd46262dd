using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using One2One.Server.Hosting;
using One2One.Tests.Support;

namespace One2One.Tests.Hosting;

public sealed class SelfSignedCertificateTests
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

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

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void A_new_certificate_file_and_its_new_folder_are_owner_only_even_under_umask_000()
    {
        var root = Directory.CreateTempSubdirectory("one2one-cert-");
        try
        {
            var folder = Path.Combine(root.FullName, "One2One", "certs");
            var path = Path.Combine(folder, "one2one-selfsigned.pfx");

            var saved = SaveWithOpenUmask(path);

            saved.Should().BeTrue();
            File.GetUnixFileMode(Path.Combine(root.FullName, "One2One")).Should().Be(OwnerOnlyFolder);
            File.GetUnixFileMode(folder).Should().Be(OwnerOnlyFolder);
            File.GetUnixFileMode(path).Should().Be(OwnerOnlyFile);
            Directory.GetFileSystemEntries(folder).Should().Equal([path], "nothing else is left behind");
            using var loaded = X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
            loaded.HasPrivateKey.Should().BeTrue();
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Replacing_a_certificate_never_writes_it_into_a_wider_file_nor_restricts_it_afterwards()
    {
        var folder = Directory.CreateTempSubdirectory("one2one-cert-");
        try
        {
            // A certificate an older version left readable by everyone.
            var path = Path.Combine(folder.FullName, "one2one-selfsigned.pfx");
            File.WriteAllText(path, "old");
            File.SetUnixFileMode(path, OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            using var events = new UnixFileEvents(folder.FullName);

            var saved = SaveWithOpenUmask(path);

            saved.Should().BeTrue();
            var seen = events.Read();
            seen.Should().Contain(e => (e.Mask & UnixFileEvents.Created) != 0, "the watch saw the new file being created");
            seen.Where(e => (e.Mask & UnixFileEvents.AttributesChanged) != 0).Should()
                .BeEmpty("the file gets its mode when it is created and is never chmod-ed later (no write-then-restrict window)");
            seen.Where(e => (e.Mask & UnixFileEvents.Modified) != 0).Should()
                .OnlyContain(e => e.Name != Path.GetFileName(path), "the key is never written into the old, wider file");
            File.GetUnixFileMode(path).Should().Be(OwnerOnlyFile);
            Directory.GetFileSystemEntries(folder.FullName).Should().Equal([path], "nothing else is left behind");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Saves a new certificate with the process umask at 000, so only the code's own mode can keep the file private.</summary>
    [UnsupportedOSPlatform("windows")]
    private static bool SaveWithOpenUmask(string path)
    {
        using var certificate = SelfSignedCertificate.Create(TimeProvider.System.GetUtcNow());
        var previous = UnixFileEvents.SetUmask(0);
        try
        {
            return SelfSignedCertificate.TrySave(certificate, path, NullLogger.Instance);
        }
        finally
        {
            UnixFileEvents.SetUmask(previous);
        }
    }
}
