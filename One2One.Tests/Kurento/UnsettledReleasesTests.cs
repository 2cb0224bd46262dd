using One2One.Kurento.Internal;

namespace One2One.Tests.Kurento;

public sealed class UnsettledReleasesTests
{
    [Fact]
    public void Past_the_capacity_the_oldest_object_is_given_up()
    {
        var releases = new UnsettledReleases(capacity: 2);

        releases.Remember("a", "S").Should().BeNull();
        releases.Remember("b", "S").Should().BeNull();
        releases.Remember("c", "S").Should().Be("a");

        releases.Count.Should().Be(2);
        releases.ResumedSession("S").Should().Equal("b", "c");
    }

    [Fact]
    public void An_object_remembered_twice_is_kept_once()
    {
        var releases = new UnsettledReleases(capacity: 2);

        releases.Remember("a", "S");
        releases.Remember("a", "S");

        releases.Count.Should().Be(1);
    }

    [Fact]
    public void A_resumed_session_gets_its_objects_until_settled_and_objects_of_other_sessions_are_dropped()
    {
        var releases = new UnsettledReleases(capacity: 10);
        releases.Remember("a", "S1");
        releases.Remember("b", "S2");
        releases.Remember("c", "S1");

        releases.ResumedSession("S1").Should().Equal("a", "c");
        releases.Count.Should().Be(2);
        releases.Settle("a");

        releases.ResumedSession("S1").Should().Equal("c");
        releases.ResumedSession("S2").Should().BeEmpty();
    }

    [Fact]
    public void Clearing_forgets_everything_and_counts_it()
    {
        var releases = new UnsettledReleases(capacity: 10);
        releases.Remember("a", "S");
        releases.Remember("b", "S");

        releases.Clear().Should().Be(2);

        releases.Count.Should().Be(0);
        releases.ResumedSession("S").Should().BeEmpty();
    }

    [Fact]
    public void The_capacity_must_be_positive()
    {
        var creating = () => new UnsettledReleases(capacity: 0);

        creating.Should().Throw<ArgumentOutOfRangeException>();
    }
}
