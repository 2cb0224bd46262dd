using One2One.Server.Contracts;

namespace One2One.Tests.Presence;

/// <summary>A page's list of who is online, kept as the browser client keeps it: a snapshot replaces it, a change adds or removes a name.</summary>
internal static class OnlineList
{
    public static void Apply(HashSet<string> online, object presence)
    {
        switch (presence)
        {
            case OnlineUserList list:
                online.Clear();
                online.UnionWith(list.Names);
                break;
            case PresenceChange { Online: true } change:
                online.Add(change.Name);
                break;
            case PresenceChange change:
                online.Remove(change.Name);
                break;
        }
    }
}
