using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace One2One.Server.Hosting;

/// <summary>
/// The HTTPS certificate used when none is configured: browsers only give a page the camera in a secure
/// context, so the tutorial's https://host:8443 needs one. Generated at first run, kept in a file and reused
/// until it nears expiry. Browsers will warn that it is self-signed; configure a real one for production
/// (Kestrel:Certificates:Default:Path).
/// </summary>
internal static class SelfSignedCertificate
{
    private static readonly Lock Gate = new();
    private static X509Certificate2? _loaded;

    public static string DefaultPath()
    {
        string root;
        try
        {
            root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            root = "";
        }

        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(AppContext.BaseDirectory, ".certs");
        }

        return Path.Combine(root, "One2One", "one2one-selfsigned.pfx");
    }

    public static X509Certificate2 LoadOrCreate(string path, TimeProvider time, ILogger logger)
    {
        lock (Gate)
        {
            if (_loaded is not null)
            {
                return _loaded;
            }

            var now = time.GetUtcNow();
            if (File.Exists(path))
            {
                try
                {
                    var existing = X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
                    if (existing.NotAfter.ToUniversalTime() > now.UtcDateTime.AddDays(7))
                    {
                        HostingLog.CertificateLoaded(logger, path);
                        return _loaded = existing;
                    }

                    existing.Dispose();
                }
                catch (CryptographicException ex)
                {
                    HostingLog.CertificateUnreadable(logger, path, ex);
                }
            }

            _loaded = Create(now);
            TrySave(_loaded, path, logger);
            return _loaded;
        }
    }

    internal static X509Certificate2 Create(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=One2One self-signed", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddDnsName(Environment.MachineName);
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(365));
    }

    /// <summary>Keeps the certificate for the next run; false (logged) when there is no writable place for it
    /// (a service user without a home, say): it is then served for this run only.</summary>
    /// <remarks>
    /// The file holds the private key, so it is owner-only from its first byte: a new file created with mode 0600 (the
    /// umask can only narrow it) in a folder created with mode 0700, then renamed over the old one. Nothing is written
    /// first and restricted afterwards. On Windows the file inherits the user profile's ACL (LocalApplicationData).
    /// </remarks>
    internal static bool TrySave(X509Certificate2 certificate, string path, ILogger logger)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp");
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                CreateOwnerOnlyFolders(folder);
            }

            var pfx = certificate.Export(X509ContentType.Pfx);
            try
            {
                using (var file = new FileStream(temporary, OwnerOnlyNewFile))
                {
                    file.Write(pfx);
                    file.Flush(flushToDisk: true);
                }

                // rename(2): atomic, and it keeps the new file's mode. (Without overwrite, .NET links and unlinks.)
                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pfx);
                File.Delete(temporary);
            }

            HostingLog.CertificateCreated(logger, path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            HostingLog.CertificateNotSaved(logger, path, ex);
            return false;
        }
    }

    /// <summary>Creates <paramref name="folder"/> and each missing parent with mode 0700 (the mode overload of
    /// <see cref="Directory.CreateDirectory(string, UnixFileMode)"/> gives it to the last one only). Existing folders are left as they are.</summary>
    [UnsupportedOSPlatform("windows")]
    private static void CreateOwnerOnlyFolders(string folder)
    {
        var missing = new Stack<string>();
        for (var current = folder; !Directory.Exists(current); current = Path.GetDirectoryName(current)!)
        {
            missing.Push(current);
        }

        while (missing.TryPop(out var next))
        {
            Directory.CreateDirectory(next, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static FileStreamOptions OwnerOnlyNewFile => OperatingSystem.IsWindows()
        ? new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None }
        : new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
}
