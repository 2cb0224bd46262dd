using One2One.Server.Contracts;
using One2One.Server.Presence;

namespace One2One.Tests.Presence;

/// <summary>The node's feed of joins and leaves: what a page is given from its place on, and when it must be given a snapshot.</summary>
public sealed class PresenceFeedTests
{
    [Fact]
    public void A_page_is_given_the_latest_change_of_each_name_since_its_place_in_the_order_of_those_changes()
    {
        var feed = new PresenceFeed();
        feed.Add(new PresenceChange("before", true));
        var place = feed.Head;
        feed.Add(new PresenceChange("ann", true));
        feed.Add(new PresenceChange("bob", true));
        feed.Add(new PresenceChange("ANN", false));
        feed.Add(new PresenceChange("me", true));
        feed.Add(new PresenceChange("cat", true));
        feed.Add(new PresenceChange("bob", false));

        feed.Since(place, except: "Me").Should().Equal(
            new PresenceChange("ANN", false), new PresenceChange("cat", true), new PresenceChange("bob", false));
        feed.Since(feed.Head, except: "me").Should().BeEmpty();
    }

    [Fact]
    public void The_feed_keeps_its_newest_changes_and_says_when_a_place_has_fallen_out_of_it()
    {
        var feed = new PresenceFeed();
        for (var i = 0; i < PresenceFeed.DefaultCapacity + 10; i++)
        {
            feed.Add(new PresenceChange($"user-{i}", i % 2 == 0));
        }

        feed.Holds(10).Should().BeTrue("the oldest change kept is the eleventh");
        feed.Holds(9).Should().BeFalse("a page whose place fell out is given a snapshot instead");
        var kept = feed.Since(10, except: "nobody");
        kept.Should().HaveCount(PresenceFeed.DefaultCapacity);
        kept[0].Should().Be(new PresenceChange("user-10", true));
        kept[^1].Should().Be(new PresenceChange($"user-{PresenceFeed.DefaultCapacity + 9}", false));
    }
}
