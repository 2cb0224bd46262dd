using System.Diagnostics;
using System.Net.Sockets;

namespace One2One.LoadTest.Calls;

/// <summary>
/// Sees a call's pipeline released from outside the server by asking each of its WebRtcEndpoints, through the media
/// server's own ICE agent, whether it still exists (<see cref="IceCheckProbe"/>). All endpoints share one media port,
/// so no socket closes at a release; what ends is the endpoint's ICE agent. A watched endpoint gets a check every
/// <see cref="PollInterval"/>; it counts as released at the first check that stays unanswered for
/// <see cref="AnswerTimeout"/> after one that was answered, so a release time is known to within the poll interval
/// (the timeout only delays when it is known). An endpoint that never answers (a media server this machine cannot
/// reach) is never reported released; <see cref="Watched.Answered"/> tells the caller so.
/// </summary>
/// <remarks>
/// Threading: endpoints are added from any thread under <see cref="_gate"/>; one poll loop owns every
/// <see cref="Watched"/>'s socket and probe state, and runs only while something is watched.
/// </remarks>
internal sealed class PipelineReleaseWatch : IAsyncDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>Far beyond a loopback round trip, even on a loaded machine: unanswered this long means nobody is there.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromMilliseconds(500);

    private readonly Lock _gate = new();
    private readonly List<Watched> _watched = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Task _polling;

    public PipelineReleaseWatch()
    {
        _polling = Task.Run(PollAsync);
    }

    /// <summary>Starts checking the endpoint <paramref name="probe"/> describes.</summary>
    public Watched Watch(IceCheckProbe probe)
    {
        var watched = new Watched(probe);
        lock (_gate)
        {
            _watched.Add(watched);
        }

        _wake.Release();
        return watched;
    }

    /// <summary>Stops checking an endpoint whose release is of no more interest (it never answered).</summary>
    public void Forget(Watched watched)
    {
        watched.Abandon();
        _wake.Release();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _polling.ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var watched in _watched)
            {
                watched.Close();
            }

            _watched.Clear();
        }

        _wake.Dispose();
        _stop.Dispose();
    }

    private async Task PollAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                Watched[] watched;
                lock (_gate)
                {
                    watched = [.. _watched];
                }

                if (watched.Length == 0)
                {
                    await _wake.WaitAsync(_stop.Token).ConfigureAwait(false);
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                foreach (var endpoint in watched)
                {
                    if (endpoint.Poll(now))
                    {
                        lock (_gate)
                        {
                            _watched.Remove(endpoint);
                        }
                    }
                }

                await Task.Delay(PollInterval, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One endpoint being checked: its socket and the checks sent and not yet answered. Owned by the poll loop.</summary>
    internal sealed class Watched
    {
        private readonly IceCheckProbe _probe;
        private readonly Socket _socket;
        private readonly byte[] _send = new byte[IceCheckProbe.MaxLength];
        private readonly byte[] _receive = new byte[1500];
        private readonly List<(byte[] TransactionId, long SentAt)> _pending = [];
        private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<long> _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _abandoned;

        public Watched(IceCheckProbe probe)
        {
            _probe = probe;
            _socket = new Socket(probe.Endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
            _socket.Connect(probe.Endpoint);
        }

        /// <summary>Completes at the endpoint's first answer.</summary>
        public Task Answered => _answered.Task;

        /// <summary>Completes with the <see cref="Stopwatch"/> timestamp of the first check the released endpoint left unanswered.</summary>
        public Task<long> Released => _released.Task;

        /// <summary>Reads answers, decides, sends the next check; true once released (or abandoned), its socket closed.</summary>
        public bool Poll(long now)
        {
            if (_abandoned)
            {
                Close();
                return true;
            }

            try
            {
                while (_socket.Available > 0)
                {
                    var length = _socket.Receive(_receive);
                    var answered = _pending.FindIndex(p => IceCheckProbe.Answers(_receive.AsSpan(0, length), p.TransactionId));
                    if (answered >= 0)
                    {
                        _pending.RemoveRange(0, answered + 1); // older ones were answered too, or lost: either way not the release
                        _answered.TrySetResult();
                    }
                }
            }
            catch (SocketException)
            {
                // ICMP port unreachable: nothing listens there any more; the pending checks stay unanswered.
            }

            if (_answered.Task.IsCompleted && _pending.Count > 0 && Stopwatch.GetElapsedTime(_pending[0].SentAt, now) > AnswerTimeout)
            {
                _released.TrySetResult(_pending[0].SentAt);
                Close();
                return true;
            }

            var transactionId = new byte[12];
            var checkLength = _probe.WriteCheck(_send, transactionId);
            try
            {
                _socket.Send(_send.AsSpan(0, checkLength));
            }
            catch (SocketException)
            {
                // Refused (ICMP from an earlier check): counts as unanswered.
            }

            _pending.Add((transactionId, now));
            return false;
        }

        /// <summary>From any thread: the poll loop stops checking and closes the socket at its next round.</summary>
        public void Abandon()
        {
            _abandoned = true;
            _released.TrySetCanceled();
        }

        /// <summary>On the poll loop, or once it has ended.</summary>
        public void Close()
        {
            _released.TrySetCanceled();
            _socket.Dispose();
        }
    }
}
