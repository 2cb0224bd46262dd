using System.Diagnostics;
using One2One.MediaServer.Elements;

namespace One2One.Benchmarks.Capacity;

/// <summary>
/// Plays every browser's sending side on one thread, paced on the monotonic clock: video every 5 ms (200/s), audio every
/// 20 ms (50/s), a sender report every 250 ms, each browser offset at random so the load is spread; it wakes every
/// millisecond or so. Measures how late it runs: a generator that cannot keep up is no longer offering the load the
/// step claims.
/// </summary>
/// <remarks>Threading: its thread owns the schedule; browsers are added from the run's thread under <see cref="_gate"/>.</remarks>
internal sealed class LoadSender
{
    private static readonly long VideoInterval = Stopwatch.Frequency / 200;
    private static readonly long AudioInterval = Stopwatch.Frequency / 50;
    private static readonly long RtcpInterval = Stopwatch.Frequency / 4;

    private readonly Lock _gate = new();
    private readonly List<Schedule> _pending = [];
    private readonly List<Schedule> _browsers = [];
    private readonly Thread _thread;
    private volatile bool _stopping;
    private long _maxLateTicks;

    public LoadSender()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "load sender" };
    }

    /// <summary>The most the sender was behind its schedule since the last <see cref="TakeMaxLate"/>.</summary>
    public TimeSpan TakeMaxLate() => Stopwatch.GetElapsedTime(0, Interlocked.Exchange(ref _maxLateTicks, 0));

    public void Start() => _thread.Start();

    public void Add(LoadBrowser browser)
    {
        var now = Stopwatch.GetTimestamp();
        var offset = Random.Shared.NextInt64(AudioInterval);
        lock (_gate)
        {
            _pending.Add(new Schedule(browser, now + (offset % VideoInterval), now + offset, now + (offset * 10 % RtcpInterval)));
        }
    }

    public void Stop()
    {
        _stopping = true;
        _thread.Join();
    }

    private void Run()
    {
        while (!_stopping)
        {
            lock (_gate)
            {
                _browsers.AddRange(_pending);
                _pending.Clear();
            }

            var now = Stopwatch.GetTimestamp();
            var next = now + AudioInterval;
            foreach (var browser in _browsers)
            {
                next = Math.Min(next, browser.SendDue(now, ref _maxLateTicks));
            }

            // Sleeping, not spinning: the generator must leave the cores to the relay. What falls due meanwhile goes
            // out on waking, a millisecond's worth at a time, as a browser's pacer sends too.
            if (Stopwatch.GetTimestamp() < next)
            {
                Thread.Sleep(1);
            }
        }
    }

    private sealed class Schedule(LoadBrowser browser, long video, long audio, long rtcp)
    {
        private long _video = video;
        private long _audio = audio;
        private long _rtcp = rtcp;

        /// <summary>Sends what is due by <paramref name="now"/>; returns when the next send is due.</summary>
        public long SendDue(long now, ref long maxLate)
        {
            Late(now - _video, ref maxLate);
            while (_video <= now)
            {
                browser.SendRtp(KurentoMediaType.Video);
                _video += VideoInterval;
            }

            while (_audio <= now)
            {
                browser.SendRtp(KurentoMediaType.Audio);
                _audio += AudioInterval;
            }

            while (_rtcp <= now)
            {
                browser.SendRtcp();
                _rtcp += RtcpInterval;
            }

            return Math.Min(_video, Math.Min(_audio, _rtcp));
        }

        private static void Late(long ticks, ref long maxLate)
        {
            if (ticks > Volatile.Read(ref maxLate))
            {
                Volatile.Write(ref maxLate, ticks);
            }
        }
    }
}
