using System.Diagnostics;
using One2One.LoadTest.Target;

namespace One2One.LoadTest.Reporting;

/// <summary>CPU used by the server and by this tool over a stretch of wall time, in cores (1.0 = one core busy).</summary>
internal sealed class CpuWindow
{
    private readonly int? _serverPid;
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private readonly TimeSpan _serverStart;
    private readonly TimeSpan _toolStart = Process.GetCurrentProcess().TotalProcessorTime;

    public CpuWindow(int? serverPid)
    {
        _serverPid = serverPid;
        _serverStart = serverPid is { } pid ? ProcessStats.CpuTimeOf(pid) : TimeSpan.Zero;
    }

    public (double? Server, double Tool) Cores()
    {
        var wall = Stopwatch.GetElapsedTime(_startedAt).TotalSeconds;
        var tool = (Process.GetCurrentProcess().TotalProcessorTime - _toolStart).TotalSeconds / wall;
        double? server = _serverPid is { } pid ? (ProcessStats.CpuTimeOf(pid) - _serverStart).TotalSeconds / wall : null;
        return (server, tool);
    }

    public string Describe()
    {
        var (server, tool) = Cores();
        return server is { } s ? $"server {s:0.00} cores, load tool {tool:0.00} cores" : $"load tool {tool:0.00} cores (server CPU not visible)";
    }
}
