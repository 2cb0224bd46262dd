using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Server.Hosting;
using One2One.Tests.MediaServer.Rtc.Sdp;
using One2One.Tests.Support;

namespace One2One.Tests.Calls.Property;

/// <summary>
/// Random sequences of operations from three clients against the real server (Kestrel on 127.0.0.1, the embedded media
/// server negotiating for real, .NET SignalR clients over WebSockets): valid and invalid registrations, calls, answers,
/// hang-ups, candidates, disconnects and reconnects, issued one at a time, each awaited and its callbacks drained. After
/// each run: only HubExceptions reached a client, nobody was or believed to be in two calls, no call is stuck once the
/// ringing timeout has passed on the fake clock, and once everyone has left no media object remains.
/// CI runs <see cref="CiRuns"/> runs from a fixed seed; a longer run: <c>ONE2ONE_PROPERTY_ITERATIONS=500 dotnet test
/// --filter FullyQualifiedName~HubPropertyTests</c>, and <c>ONE2ONE_PROPERTY_SEED</c> replays the run a failure names.
/// </summary>
[Trait("Category", "Property")]
[Collection(CpuHeavyCollection.Name)]
public sealed class HubPropertyTests : IAsyncLifetime
{
    private const int CiRuns = 12;
    private const int MaxOperations = 24;
    private static readonly TimeSpan RingingTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private static readonly string Offer = SdpFixtures.RecordedChromium156;

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch);
    private One2OneServerFactory _server = null!;
    private int _run;

    private CallService Calls => _server.Calls;

    private One2One.MediaServer.Hosting.MediaServerCounts MediaCounts =>
        _server.Services.GetRequiredService<EmbeddedMediaServerHost>().Server.Diagnostics.GetCounts();

    public Task InitializeAsync()
    {
        // The rate limits lifted: this test is about the call logic, and every client is on loopback.
        _server = new One2OneServerFactory { CallClock = _clock, RingingTimeout = RingingTimeout }
            .WithSetting("Limits:RingsPerPairPerMinute", "1000")
            .WithSetting("Limits:RingAgainAfterUnanswered", "00:00:00")
            .WithSetting("Limits:RegistrationsPerAddress", "100000")
            .WithSetting("Limits:RegisterPerConnectionPerMinute", "100000")
            .WithSetting("Limits:RegisterPerAddressPerMinute", "100000")
            .WithSetting("Limits:CallAttemptsPerConnectionPerMinute", "100000")
            .WithSetting("Limits:CallAttemptsPerAddressPerMinute", "100000")
            .WithSetting("Limits:CandidatesPerConnectionPerMinute", "100000")
            .WithSetting("Limits:CandidatesPerAddressPerMinute", "1000000")
            .WithSetting("Limits:CallsPerAddress", "100000");
        _server.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Random_operations_from_several_clients_keep_every_invariant()
    {
        var settings = SeededRunSettings.FromEnvironment("ONE2ONE_PROPERTY", "0000001dikb2", CiRuns, caseBound: TimeSpan.FromMinutes(2), shrinkSeconds: 60);
        await SeededCheck.RunAsync("hub operations", HubOperation.Runs(MaxOperations), RunAsync,
            run => string.Join("\n", run.Select((op, i) => $"{i}: {op}")), settings);
    }

    private async Task RunAsync(HubOperation[] operations)
    {
        var run = Interlocked.Increment(ref _run);
        var clients = Enumerable.Range(0, HubOperation.Clients).Select(i => new HubClient($"p{run}-c{i}")).ToArray();
        var log = new List<string>();
        try
        {
            foreach (var client in clients)
            {
                await client.ConnectAsync(_server.HubUri);
            }

            foreach (var operation in operations)
            {
                log.Add($"{operation} -> {await ApplyAsync(clients, operation)}");
                await DrainAsync(clients);
            }

            await EndOfRunChecksAsync(clients);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"{e.Message}\nWhat happened:\n{string.Join("\n", log)}", e);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }

        await Eventually.TrueAsync(() => Calls.ActiveCallCount == 0, "everyone left, so every call ended");
        await Eventually.TrueAsync(() => MediaCounts is { Pipelines: 0, Endpoints: 0, OpenSockets: 0 },
            $"everyone left, so no media object remains: {MediaCounts}");
    }

    /// <summary>Issues one operation and waits for it; returns what came back. Only a HubException may come back as an error.</summary>
    private async Task<string> ApplyAsync(HubClient[] clients, HubOperation op)
    {
        var client = clients[op.Client];
        var target = clients[op.Target];
        if (op.Kind == HubOperationKind.Reconnect)
        {
            if (client.Connected)
            {
                return "still connected";
            }

            await client.ConnectAsync(_server.HubUri);
            return "reconnected";
        }

        if (!client.Connected)
        {
            return "skipped: disconnected";
        }

        if (op.Kind == HubOperationKind.Disconnect)
        {
            await client.DisconnectAsync();
            return "disconnected";
        }

        var peer = client.Believed.FirstOrDefault() ?? target.Name;
        try
        {
            switch (op.Kind)
            {
                case HubOperationKind.Register:
                    await client.InvokeAsync("Register", op.Variant switch
                    {
                        0 or 1 => client.Name,
                        2 => client.Name.ToUpperInvariant(),
                        3 => target.Name,
                        4 => op.Target == 0 ? "" : "bell\u0007name",
                        _ => new string('n', 65),
                    });
                    break;
                case HubOperationKind.Call:
                    await client.InvokeAsync("Call", op.Variant == 4 ? target.Name + "-nobody" : target.Name, op.Variant switch
                    {
                        0 or 1 or 4 => Offer,
                        2 => Offer + new string('x', 70_000),
                        3 => "v=0\r\nthis is not an offer\r\n",
                        _ => null,
                    });
                    client.Calling = target.Name;
                    break;
                case HubOperationKind.Answer:
                    await client.InvokeAsync("IncomingCallResponse", op.Variant == 4 ? target.Name : peer, op.Variant switch
                    {
                        2 => CallAnswers.Reject,
                        5 => "maybe",
                        _ => CallAnswers.Accept,
                    }, op.Variant == 3 ? "v=0\r\nnot an offer either\r\n" : Offer);
                    if (op.Variant == 2)
                    {
                        client.Forget();
                    }

                    break;
                case HubOperationKind.Stop:
                    await client.InvokeAsync("Stop");
                    client.Forget();
                    break;
                case HubOperationKind.Candidate:
                    await client.InvokeAsync("OnIceCandidate", op.Variant switch
                    {
                        2 => new IceCandidateInit("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", null, null),
                        3 => new IceCandidateInit("candidate:" + new string('9', 2000), "0", 0),
                        4 => new IceCandidateInit("", "0", 0),
                        5 => new IceCandidateInit("candidate:garbage", "0", 0),
                        _ => new IceCandidateInit("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0", "0", 0),
                    });
                    break;
            }

            return "ok";
        }
        catch (HubException e) when (e.Message.Contains("HubException: ", StringComparison.Ordinal))
        {
            // The client words a server's HubException "An unexpected error occurred invoking 'X' on the server. HubException: <message>";
            // any other server exception arrives as that first sentence alone, which this test must never see.
            return e.Message[(e.Message.IndexOf("HubException: ", StringComparison.Ordinal) + 14)..];
        }
    }

    /// <summary>
    /// Waits until every callback the server has posted so far has arrived: a registered client asks to register its own
    /// name again, which the server answers through the same ordered outbox as everything else; then folds them in.
    /// </summary>
    private static async Task DrainAsync(HubClient[] clients)
    {
        foreach (var client in clients.Where(c => c.Connected && c.Registered))
        {
            var before = client.Received.OfType<RegisterResponse>().Count();
            await client.InvokeAsync("Register", client.Name);
            await Eventually.TrueAsync(() => client.Received.OfType<RegisterResponse>().Count() > before, $"{client.Name} heard back");
        }

        foreach (var client in clients)
        {
            client.Absorb();
        }
    }

    private async Task EndOfRunChecksAsync(HubClient[] clients)
    {
        clients.SelectMany(c => c.Violations).Should().BeEmpty("no client is ever told it is in two calls");

        // No call is stuck: once the ringing timeout has passed, every call has ended or is in call with both answers sent.
        // A call still reserving its media (placed in the background) starts its ringing timer when that is done: the
        // clock moves on only once every call rings or is past ringing, so no timer starts after the move and waits for ever.
        await Eventually.TrueAsync(() => Calls.ActiveCalls.All(c => c.State != CallState.Placing),
            "every placed call rings or has ended: " + string.Join(", ", Calls.ActiveCalls.Select(c => $"{c} {c.State}")));
        _clock.Advance(RingingTimeout + TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => Calls.ActiveCalls.All(c => c.State == CallState.InCall),
            "after the ringing timeout every call has ended or is in call: " + string.Join(", ", Calls.ActiveCalls.Select(c => $"{c} {c.State}")));
        await DrainAsync(clients);
        clients.SelectMany(c => c.Violations).Should().BeEmpty("no client is ever told it is in two calls");

        var active = Calls.ActiveCalls;
        _server.Services.GetRequiredService<UserRegistry>().All().Where(u => u.CurrentCall is { } call && !active.Contains(call))
            .Should().BeEmpty("no slot holds a call that has ended (busy to everyone for ever)");
        var participants = active.SelectMany(c => new[] { c.Caller, c.Callee }).ToList();
        participants.Should().OnlyHaveUniqueItems("nobody is in more than one call");
        foreach (var call in active)
        {
            call.Caller.CurrentCall.Should().BeSameAs(call, "each participant's slot holds its call");
            call.Callee.CurrentCall.Should().BeSameAs(call);
            foreach (var user in new[] { call.Caller, call.Callee })
            {
                if (clients.FirstOrDefault(c => c.Connected && c.ConnectionId == user.ConnectionId) is { } client)
                {
                    client.Answered.Should().BeTrue($"{user.Name} is in call {call}, so it has its answer");
                }
            }
        }
    }
}
