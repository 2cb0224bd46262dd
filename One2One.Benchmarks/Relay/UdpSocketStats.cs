using System.Globalization;

namespace One2One.Benchmarks.Relay;

/// <summary>Datagrams the kernel dropped at full UDP sockets on 127.0.0.1 (the last column of /proc/net/udp), all the sockets of a port together.</summary>
internal static class UdpSocketStats
{
    public static long Drops(int localPort)
    {
        var local = "0100007F:" + localPort.ToString("X4", CultureInfo.InvariantCulture);
        long drops = 0;
        foreach (var line in File.ReadLines("/proc/net/udp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 12 && fields[1] == local)
            {
                drops += long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
        }

        return drops;
    }
}
