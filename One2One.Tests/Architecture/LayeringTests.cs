using System.Reflection;
using One2One.Kurento;
using One2One.Server.Calls;

namespace One2One.Tests.Architecture;

/// <summary>
/// The server's layers point one way (issue 8): Signaling (the hub and its adapters) → Calls → Media → One2One.Kurento,
/// with the browser contract (<c>One2One.Server.Contracts</c>) a leaf any of them may use. Checked on the compiled code:
/// every type a layer's types name in their signatures, fields, locals and method bodies (calls, constructions, field
/// and type tokens), compiler-made closures and state machines included.
/// </summary>
public sealed class LayeringTests
{
    private static readonly Assembly Server = typeof(CallService).Assembly;

    [Theory]
    [InlineData("One2One.Server.Calls", "Microsoft.AspNetCore")]
    [InlineData("One2One.Server.Calls", "One2One.Server.Signaling")]
    [InlineData("One2One.Server.Calls", "One2One.Server.Hosting")]
    [InlineData("One2One.Server.Media", "Microsoft.AspNetCore")]
    [InlineData("One2One.Server.Media", "One2One.Server.Signaling")]
    [InlineData("One2One.Server.Media", "One2One.Server.Calls")]
    [InlineData("One2One.Server.Contracts", "Microsoft.AspNetCore")]
    [InlineData("One2One.Server.Contracts", "One2One.Server.Signaling")]
    [InlineData("One2One.Server.Contracts", "One2One.Server.Calls")]
    public void A_layer_uses_nothing_of_the_layers_above_it_nor_of_ASP_NET_Core(string layer, string forbidden)
    {
        var offences = TypesOf(layer)
            .SelectMany(type => TypeReferences.Of(type).Select(used => (type, used)))
            .Where(pair => IsIn(pair.used, forbidden))
            .Select(pair => $"{pair.type.FullName} uses {pair.used.FullName}")
            .Distinct()
            .ToList();

        TypesOf(layer).Should().NotBeEmpty("the layer {0} exists", layer);
        offences.Should().BeEmpty("{0} must not depend on {1}", layer, forbidden);
    }

    [Fact]
    public void The_Kurento_client_library_does_not_reference_ASP_NET_Core()
    {
        typeof(KurentoClient).Assembly.GetReferencedAssemblies()
            .Select(reference => reference.Name)
            .Should().NotContain(name => name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void The_check_sees_what_a_method_body_constructs_and_calls()
    {
        // The scanner itself: a dependency that appears only inside a method body (a constructed exception, a static
        // call) is found, so a layer cannot hide one from the theory above.
        var used = TypeReferences.Of(typeof(BodyOnlyDependency)).ToList();

        used.Should().Contain(typeof(Microsoft.AspNetCore.SignalR.HubException));
        used.Should().Contain(typeof(Microsoft.AspNetCore.Http.PathString));
    }

    private static IEnumerable<Type> TypesOf(string layer) =>
        Server.GetTypes().Where(type => type.Namespace == layer || type.Namespace?.StartsWith(layer + ".", StringComparison.Ordinal) == true);

    private static bool IsIn(Type type, string forbidden) =>
        type.Namespace is { } ns && (ns == forbidden || ns.StartsWith(forbidden + ".", StringComparison.Ordinal));

    private static class BodyOnlyDependency
    {
        public static void Fail(string value)
        {
            if (Microsoft.AspNetCore.Http.PathString.FromUriComponent("/" + value).HasValue)
            {
                throw new Microsoft.AspNetCore.SignalR.HubException(value);
            }
        }
    }
}
