using System.Globalization;

namespace One2One.LoadTest;

/// <summary>
/// The tool's command line: <c>connections</c> or <c>setup</c>, then <c>--name value</c> options (see
/// <see cref="Usage"/>). Bad input gets a clear error before anything starts.
/// </summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        One2One load tool. Run it inside a loopback-only network namespace (see README, Benchmarks, Load).

          connections   N registered connections held open while one pair keeps calling:
                        server memory per connection and the pair's set-up latency, idle vs loaded.
            --connections N        registered connections to hold (default 10000)
            --calls N              calls the pair makes in each phase: idle, loaded, idle again (default 200)
            --connect-concurrency N  registrations in flight while connecting (default 200)
            --idle-window SECONDS  how long to watch the server's CPU while it holds them idle (default 10)
            --hold SECONDS         after measuring memory, keep the connections open this long, e.g. to
                                   take a heap dump of the server: dotnet-gcdump collect -p PID (default 0)

          setup         pairs placing, answering and hanging up calls as fast as the server allows:
                        set-ups per second, set-up latency, hang-up and pipeline release.
            --pairs N              concurrent pairs (default 4)
            --duration SECONDS     length of each measured run (default 20)
            --runs N               measured runs; the median is reported (default 3)
            --warmup SECONDS       calls made and discarded before the first run (default 5)

          Both:
            --hub URL              a hub to target instead of starting a server (repeatable: users are
                                   spread across them, each pair's caller and callee on different hubs)
            --server-pid PID       with --hub: the server process whose memory and CPU to read
            --server-dll PATH      the One2One.Server.dll to start (default: this repository's build)
            --server-setting K=V   configuration for the started server (repeatable), e.g. Calls:RingingTimeout=00:00:10
            --warmup-calls N       calls made and discarded before measuring (default 100, connections only)
            --sources N            loopback source addresses 127.0.0.2... to spread connections over
                                   (default: one per 20,000 connections, none below that)
        """;

    public required string Scenario { get; init; }

    public List<Uri> Hubs { get; } = [];

    public int? ServerPid { get; private set; }

    public string? ServerDll { get; private set; }

    public List<string> ServerSettings { get; } = [];

    public int Connections { get; private set; } = 10_000;

    public int Calls { get; private set; } = 200;

    public int WarmupCalls { get; private set; } = 100;

    public int ConnectConcurrency { get; private set; } = 200;

    public int? Sources { get; private set; }

    public TimeSpan Hold { get; private set; }

    public TimeSpan IdleWindow { get; private set; } = TimeSpan.FromSeconds(10);

    public int Pairs { get; private set; } = 4;

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(20);

    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(5);

    public int Runs { get; private set; } = 3;

    /// <summary>Source addresses to use: as asked, else one per 20,000 connections (an ephemeral port range holds about 28,000).</summary>
    public int SourceAddressCount(int connections) => Sources ?? (connections > 20_000 ? (connections + 19_999) / 20_000 : 0);

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is not ("connections" or "setup"))
        {
            throw new ArgumentException("Name a scenario: connections or setup.");
        }

        var options = new LoadOptions { Scenario = args[0] };
        for (var i = 1; i < args.Count; i += 2)
        {
            var name = args[i];
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{name} needs a value.");
            }

            var value = args[i + 1];
            switch (name)
            {
                case "--hub":
                    options.Hubs.Add(Uri.TryCreate(value, UriKind.Absolute, out var hub) && hub.Scheme is "http" or "https"
                        ? hub
                        : throw new ArgumentException($"--hub needs an http(s) URL of the hub, e.g. http://127.0.0.1:5000/one2one; got {value}."));
                    break;
                case "--server-pid": options.ServerPid = Positive(name, value); break;
                case "--server-dll": options.ServerDll = value; break;
                case "--server-setting":
                    options.ServerSettings.Add(value.Contains('=', StringComparison.Ordinal) ? value : throw new ArgumentException($"--server-setting needs Key=Value; got {value}."));
                    break;
                case "--connections": options.Connections = Positive(name, value); break;
                case "--calls": options.Calls = Positive(name, value); break;
                case "--warmup-calls": options.WarmupCalls = NonNegative(name, value); break;
                case "--connect-concurrency": options.ConnectConcurrency = Positive(name, value); break;
                case "--sources": options.Sources = NonNegative(name, value) is var sources && sources <= 250 ? sources : throw new ArgumentException("--sources is at most 250."); break;
                case "--idle-window": options.IdleWindow = TimeSpan.FromSeconds(Positive(name, value)); break;
                case "--hold": options.Hold = TimeSpan.FromSeconds(NonNegative(name, value)); break;
                case "--pairs": options.Pairs = Positive(name, value); break;
                case "--duration": options.Duration = TimeSpan.FromSeconds(Positive(name, value)); break;
                case "--warmup": options.Warmup = TimeSpan.FromSeconds(NonNegative(name, value)); break;
                case "--runs": options.Runs = Positive(name, value); break;
                default: throw new ArgumentException($"Unknown option {name}.");
            }
        }

        if (options.ServerPid is not null && options.Hubs.Count == 0)
        {
            throw new ArgumentException("--server-pid goes with --hub.");
        }

        if (options.Hubs.Count > 0 && (options.ServerDll is not null || options.ServerSettings.Count > 0))
        {
            throw new ArgumentException("--server-dll and --server-setting are for the server the tool starts; with --hub, configure that server yourself.");
        }

        return options;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name} needs a positive whole number; got {value}.");

    private static int NonNegative(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{name} needs a whole number; got {value}.");
}
