using Microsoft.Playwright;
using One2One.Server.Hosting;
using One2One.Tests.Observability.Support;
using One2One.Tests.Support;
using One2One.Tests.Support.Browser;
using One2One.Tests.Support.Cluster;
using Xunit.Abstractions;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// Issue 8 in real Chromium: two app nodes as separate processes behind the load balancer, a standalone media server and
/// a real Redis. Alice's page is on node A, bob's on node B; B is killed (SIGKILL) mid-call. Media never touched B, so
/// alice's video keeps decoding; bob's page reconnects through the load balancer, resumes its registration and call on
/// A, and hangs up.
/// </summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphoneAcrossNodesTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Alice_on_node_A_and_bob_on_node_B_hold_a_call_that_outlives_B_and_bob_resumes_through_the_load_balancer()
    {
        await using var cluster = await MultiProcessCluster.StartAsync(TimeSpan.FromSeconds(20),
            new Dictionary<string, string> { [ClientTestHooks.SettingKey] = "true" });
        var contexts = new List<IBrowserContext>();
        try
        {
            // Bob's page comes through the load balancer (it will need it to come back); alice's straight to the other node.
            var bob = await OpenAsync(contexts, "bob", cluster.LoadBalancer);
            await bob.RegisterAsync();
            var bobsNode = await NodeHoldingOneUserAsync(cluster);
            var alicesNode = ReferenceEquals(bobsNode, cluster.A) ? cluster.B : cluster.A;
            var alice = await OpenAsync(contexts, "alice", alicesNode.BaseAddress);
            await alice.RegisterAsync();

            await alice.CallAsync(bob);
            await bob.ShouldBeRungByAsync(alice);
            await bob.AcceptAsync();
            await alice.ShouldBeAsync("in-call");
            await bob.ShouldBeAsync("in-call");
            await Task.WhenAll(
                MediaExpectations.ShouldReceiveAudioAndVideoAsync(alice.MediaAsync, "alice"),
                MediaExpectations.ShouldReceiveAudioAndVideoAsync(bob.MediaAsync, "bob"));

            await bobsNode.KillAsync();
            output.WriteLine($"killed node {bobsNode.Name}");
            await MediaExpectations.ShouldReceiveAudioAndVideoAsync(alice.MediaAsync, "alice, just after bob's node died");

            // Bob's page is back when alice's node holds both registrations; alice's video kept decoding meanwhile.
            await Eventually.TrueAsync(async () => (await ScrapeAsync(alicesNode)).Sum("one2one_users_registered") == 2,
                "bob's page resumed on alice's node");
            await MediaExpectations.ShouldReceiveAudioAndVideoAsync(alice.MediaAsync, "alice, after bob resumed");
            await bob.ShouldBeAsync("in-call");
            await MediaExpectations.ShouldReceiveAudioAndVideoAsync(bob.MediaAsync, "bob, after resuming");
            await alice.ShouldBeAsync("in-call");

            await bob.HangUpAsync();
            await alice.ShouldBeAsync("registered");
            await bob.ShouldBeAsync("registered");
            await Eventually.TrueAsync(async () => (await cluster.PipelinesAsync()).Count == 0, "the call's pipeline is released");
        }
        finally
        {
            foreach (var context in contexts)
            {
                await context.DisposeAsync();
            }

            output.WriteLine($"node a:\n{cluster.A.Log}\nnode b:\n{cluster.B.Log}");
        }
    }

    private async Task<SoftphonePage> OpenAsync(List<IBrowserContext> contexts, string name, Uri address)
    {
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        contexts.Add(context);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                Log($"[{name}] console.{message.Type}: {message.Text}");
            }
        };
        var person = new SoftphonePage(name, page, () => Task.CompletedTask);
        await page.GotoAsync(address.ToString());
        await page.WaitForFunctionAsync("() => window.one2one !== undefined");
        return person;
    }

    /// <summary>The node whose <c>/metrics</c> count one registered name (the only person so far is there).</summary>
    private static async Task<AppNodeProcess> NodeHoldingOneUserAsync(MultiProcessCluster cluster)
    {
        foreach (var node in new[] { cluster.A, cluster.B })
        {
            if ((await ScrapeAsync(node)).Sum("one2one_users_registered") == 1)
            {
                return node;
            }
        }

        throw new InvalidOperationException("Neither node counts the registered page.");
    }

    private static async Task<PrometheusScrape> ScrapeAsync(AppNodeProcess node)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress };
        return new PrometheusScrape(await http.GetStringAsync("metrics"));
    }

    private void Log(string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished.
        }
    }
}
