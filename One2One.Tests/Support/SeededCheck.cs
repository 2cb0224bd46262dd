using System.Diagnostics;
using System.Globalization;
using CsCheck;

namespace One2One.Tests.Support;

/// <summary>
/// How many cases a seeded check runs and from which seed: a fixed seed and a modest count by default (CI), both
/// overridable through environment variables for a longer run or to replay one failing case.
/// </summary>
/// <param name="Prefix">The environment variables' prefix, e.g. ONE2ONE_FUZZ.</param>
/// <param name="Seed">A CsCheck seed; the first case is generated from it, every later one from a seed drawn from it.</param>
/// <param name="Iterations">Cases to run.</param>
/// <param name="CaseBound">A liveness bound, not a speed claim: a case still running after it is reported as a hang.</param>
/// <param name="ShrinkSeconds">How long CsCheck may look for a smaller failing case after one fails.</param>
public sealed record SeededRunSettings(string Prefix, string Seed, long Iterations, TimeSpan CaseBound, int ShrinkSeconds)
{
    /// <summary>Reads <c>{prefix}_SEED</c> and <c>{prefix}_ITERATIONS</c>, falling back to the given defaults.</summary>
    public static SeededRunSettings FromEnvironment(string prefix, string defaultSeed, long defaultIterations, TimeSpan caseBound, int shrinkSeconds)
    {
        var seed = Environment.GetEnvironmentVariable(prefix + "_SEED");
        var iterations = Environment.GetEnvironmentVariable(prefix + "_ITERATIONS");
        return new SeededRunSettings(
            prefix,
            string.IsNullOrWhiteSpace(seed) ? defaultSeed : seed.Trim(),
            long.TryParse(iterations, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0 ? count : defaultIterations,
            caseBound,
            shrinkSeconds);
    }
}

/// <summary>
/// Runs a CsCheck generator against a property deterministically: case 0 from the configured seed, case i from the
/// i-th seed drawn from it (CsCheck's own <c>Sample</c> seeds only its first iteration). When a case fails, it reports
/// that case's seed (replay it alone with <c>_SEED=&lt;seed&gt; _ITERATIONS=1</c>) and its input, then lets CsCheck shrink
/// from that seed for a bounded time and reports the smallest failing input it found.
/// </summary>
public static class SeededCheck
{
    /// <summary>The seeds of the run, in order: the configured seed first.</summary>
    public static IEnumerable<string> Seeds(SeededRunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var master = PCG.Parse(settings.Seed);
        yield return settings.Seed;
        for (long i = 1; i < settings.Iterations; i++)
        {
            yield return new PCG(master.Stream, master.Next64()).ToString();
        }
    }

    /// <summary>
    /// Runs the cases on a thread of their own so that one that hangs is reported (with its seed) instead of hanging the
    /// test run. Returns the number of cases run.
    /// </summary>
    public static long Run<T>(string name, Gen<T> gen, Action<T> property, Func<T, string> print, SeededRunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(gen);
        ArgumentNullException.ThrowIfNull(property);
        var progress = new Progress();
        Exception? failure = null;
        long cases = 0;
        var runner = new Thread(() =>
        {
            try
            {
                foreach (var seed in Seeds(settings))
                {
                    progress.Start(seed);
                    var input = gen.Generate(PCG.Parse(seed), null!, out _);
                    try
                    {
                        property(input);
                    }
                    catch (Exception e)
                    {
                        failure = Failed(name, seed, print(input), e, Shrink(() => gen.Sample(property, seed: seed, iter: long.MaxValue,
                            time: settings.ShrinkSeconds, threads: 1, print: print)), settings);
                        return;
                    }

                    cases++;
                }
            }
            finally
            {
                progress.Finish();
            }
        }, 16 * 1024 * 1024)
        {
            IsBackground = true,
            Name = "seeded check " + name,
        };
        runner.Start();
        progress.WaitUntilFinished(settings.CaseBound, name);
        if (failure is not null)
        {
            throw failure;
        }

        return cases;
    }

    /// <summary>
    /// The asynchronous form, for properties that talk to a server: cases run one after another. A case that does not
    /// finish within the bound fails the run with its seed.
    /// </summary>
    public static async Task<long> RunAsync<T>(string name, Gen<T> gen, Func<T, Task> property, Func<T, string> print, SeededRunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(gen);
        ArgumentNullException.ThrowIfNull(property);
        long cases = 0;
        foreach (var seed in Seeds(settings))
        {
            var input = gen.Generate(PCG.Parse(seed), null!, out _);
            try
            {
                await property(input).WaitAsync(settings.CaseBound);
            }
            catch (Exception e)
            {
                var shrunk = await ShrinkAsync(() => gen.SampleAsync(x => property(x).WaitAsync(settings.CaseBound), seed: seed,
                    iter: long.MaxValue, time: settings.ShrinkSeconds, threads: 1, print: print));
                throw Failed(name, seed, print(input), e, shrunk, settings);
            }

            cases++;
        }

        return cases;
    }

    private static string Shrink(Action sample)
    {
        try
        {
            sample();
            return "CsCheck did not fail again from that seed (a failure that depends on timing?).";
        }
        catch (CsCheckException e)
        {
            return e.Message;
        }
    }

    private static async Task<string> ShrinkAsync(Func<Task> sample)
    {
        try
        {
            await sample();
            return "CsCheck did not fail again from that seed (a failure that depends on timing?).";
        }
        catch (CsCheckException e)
        {
            return e.Message;
        }
    }

    private static SeededCheckFailedException Failed(string name, string seed, string input, Exception e, string shrunk, SeededRunSettings settings) =>
        new($"""
            {name}: the case with seed {seed} failed.
            Replay it alone: {settings.Prefix}_SEED={seed} {settings.Prefix}_ITERATIONS=1 (the run started from seed {settings.Seed}).
            Input:
            {input}
            Failure: {e}
            Shrinking (CsCheck, up to {settings.ShrinkSeconds} s, same property): {shrunk}
            """, e);

    /// <summary>Which case is running and since when; the test thread watches it.</summary>
    private sealed class Progress
    {
        private readonly object _gate = new();
        private string _seed = "";
        private long _startedAt = Stopwatch.GetTimestamp();
        private bool _finished;

        public void Start(string seed)
        {
            lock (_gate)
            {
                _seed = seed;
                _startedAt = Stopwatch.GetTimestamp();
            }
        }

        public void Finish()
        {
            lock (_gate)
            {
                _finished = true;
                Monitor.PulseAll(_gate);
            }
        }

        public void WaitUntilFinished(TimeSpan caseBound, string name)
        {
            lock (_gate)
            {
                while (!_finished)
                {
                    if (Stopwatch.GetElapsedTime(_startedAt) > caseBound)
                    {
                        throw new SeededCheckFailedException(
                            $"{name}: the case with seed {_seed} did not finish within {caseBound.TotalSeconds} s (a hang); replay it alone from that seed.", null);
                    }

                    Monitor.Wait(_gate, TimeSpan.FromMilliseconds(200));
                }
            }
        }
    }
}

/// <summary>A seeded check found a failing case; the message has its seed, input and shrunk form.</summary>
public sealed class SeededCheckFailedException(string message, Exception? inner) : Exception(message, inner);
