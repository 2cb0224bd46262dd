using System.Net;
using Microsoft.Extensions.DependencyInjection;
using One2One.Server.Cluster;
using One2One.Tests.Support;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace One2One.Tests.Cluster;

/// <summary>
/// The grain storage of a cluster of one: what a grain wrote is what the next activation reads (a copy, not the writer's
/// object), a stale writer is refused as by any Orleans storage, and a cleared state leaves nothing behind.
/// </summary>
public sealed class InProcessGrainStorageTests : IDisposable
{
    private const string State = "name";
    private static readonly SiloAddress Node = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private readonly ServiceProvider _services;
    private readonly InProcessGrainStorage _storage;

    public InProcessGrainStorageTests()
    {
        _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        _storage = new InProcessGrainStorage(_services.GetRequiredService<DeepCopier>(), _services.GetRequiredService<IActivatorProvider>());
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Nothing_stored_reads_as_a_new_state_without_an_etag()
    {
        var read = await ReadAsync("alice");

        read.State.Should().NotBeNull();
        read.State!.Claim.Should().BeNull();
        read.ETag.Should().BeNull();
        read.RecordExists.Should().BeFalse();
    }

    [Fact]
    public async Task What_was_written_is_read_back_by_the_next_activation_as_a_copy_of_its_own()
    {
        var writer = await ReadAsync("alice");
        writer.State!.Claim = Claim("alice", "reg-1");
        await _storage.WriteStateAsync(State, Grain("alice"), writer);
        writer.RecordExists.Should().BeTrue();

        writer.State!.Claim = Claim("alice", "reg-changed-but-not-written");
        var reader = await ReadAsync("alice");

        reader.State!.Claim!.Registration.Should().Be("reg-1", "only a write changes what is stored");
        reader.State.Should().NotBeSameAs(writer.State);
        reader.ETag.Should().Be(writer.ETag);
        reader.RecordExists.Should().BeTrue();
        reader.State!.Claim = null;
        (await ReadAsync("alice")).State!.Claim.Should().NotBeNull("a reader's change is not stored either");
    }

    [Fact]
    public async Task A_writer_whose_read_is_stale_is_refused_and_the_stored_state_stays()
    {
        var first = await ReadAsync("alice");
        var second = await ReadAsync("alice");
        first.State!.Claim = Claim("alice", "reg-1");
        await _storage.WriteStateAsync(State, Grain("alice"), first);

        second.State!.Claim = Claim("alice", "reg-2");
        var stale = () => _storage.WriteStateAsync(State, Grain("alice"), second);

        await stale.Should().ThrowAsync<InconsistentStateException>();
        (await ReadAsync("alice")).State!.Claim!.Registration.Should().Be("reg-1");
        var clear = () => _storage.ClearStateAsync(State, Grain("alice"), second);
        await clear.Should().ThrowAsync<InconsistentStateException>("a stale clear is refused too");
        _storage.Count.Should().Be(1);
    }

    [Fact]
    public async Task A_cleared_state_is_removed_and_a_writer_that_read_it_before_is_refused()
    {
        var holder = await WrittenAsync("alice", "reg-1");
        var late = await ReadAsync("alice");

        await _storage.ClearStateAsync(State, Grain("alice"), holder);

        _storage.Count.Should().Be(0);
        holder.ETag.Should().BeNull();
        holder.RecordExists.Should().BeFalse();
        holder.State!.Claim.Should().BeNull();
        (await ReadAsync("alice")).RecordExists.Should().BeFalse();
        late.State!.Claim = Claim("alice", "reg-late");
        var write = () => _storage.WriteStateAsync(State, Grain("alice"), late);
        await write.Should().ThrowAsync<InconsistentStateException>("it read a state that is gone");
        await _storage.ClearStateAsync(State, Grain("alice"), late); // clearing what is gone is done already
        _storage.Count.Should().Be(0);
    }

    [Fact]
    public async Task A_state_written_again_after_a_clear_refuses_a_writer_that_read_it_before_the_clear()
    {
        var holder = await WrittenAsync("alice", "reg-1");
        var stale = await ReadAsync("alice");
        await _storage.ClearStateAsync(State, Grain("alice"), holder);
        await WrittenAsync("alice", "reg-2");

        stale.State!.Claim = Claim("alice", "reg-stale");
        var write = () => _storage.WriteStateAsync(State, Grain("alice"), stale);

        await write.Should().ThrowAsync<InconsistentStateException>("its ETag is of the state that was cleared, not of the new one");
        (await ReadAsync("alice")).State!.Claim!.Registration.Should().Be("reg-2");
    }

    [Fact]
    public async Task States_are_kept_apart_by_grain_and_by_state_name()
    {
        await WrittenAsync("alice", "reg-a");
        await WrittenAsync("bob", "reg-b");

        var other = new GrainState<NameClaimState>();
        await _storage.ReadStateAsync("other", Grain("alice"), other);

        other.RecordExists.Should().BeFalse();
        (await ReadAsync("alice")).State!.Claim!.Registration.Should().Be("reg-a");
        (await ReadAsync("bob")).State!.Claim!.Registration.Should().Be("reg-b");
        _storage.Count.Should().Be(2);
    }

    [Fact]
    public async Task A_cluster_of_one_stores_one_claim_per_registered_name_and_none_once_they_have_left()
    {
        await using var server = new One2OneServerFactory();
        var storage = (InProcessGrainStorage)server.Services.GetRequiredKeyedService<IGrainStorage>(ClusterHosting.StorageName);
        var before = storage.Count;

        var clients = new List<SignalingClient>();
        foreach (var name in new[] { "alice", "bob", "carol" })
        {
            clients.Add(await SignalingClient.RegisteredAsync(server.HubUri, name));
        }

        storage.Count.Should().Be(before + 3, "each registered name's claim is stored");
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        await Eventually.TrueAsync(() => storage.Count == before, "every claim is removed once its name is free");
    }

    private async Task<GrainState<NameClaimState>> ReadAsync(string name)
    {
        var state = new GrainState<NameClaimState>();
        await _storage.ReadStateAsync(State, Grain(name), state);
        return state;
    }

    /// <summary>A state read, given a claim and written back, as a grain does.</summary>
    private async Task<GrainState<NameClaimState>> WrittenAsync(string name, string registration)
    {
        var state = await ReadAsync(name);
        state.State!.Claim = Claim(name, registration);
        await _storage.WriteStateAsync(State, Grain(name), state);
        return state;
    }

    private static GrainId Grain(string name) => GrainId.Create("nameclaim", name);

    private static NameClaim Claim(string name, string registration) => new(name, registration, Node);
}
