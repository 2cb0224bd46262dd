using System.Diagnostics;
using System.Text.Json.Nodes;

namespace One2One.Kurento.Internal;

/// <summary>
/// An activity per Kurento request (source <c>One2One.Kurento</c>): a child of whatever is current when it is made
/// (a call's media set-up, for instance), tagged with the method, operation, object type and, on failure, the error code.
/// </summary>
internal static class KurentoTelemetry
{
    public const string SourceName = "One2One.Kurento";

    private static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartRequest(string method, JsonObject? parameters)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity($"Kurento {PendingRequest.Describe(method, parameters)}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("rpc.system", "jsonrpc");
            activity.SetTag("kurento.method", method);
            if (method == "invoke" && Text(parameters, "operation") is { } operation)
            {
                activity.SetTag("kurento.operation", operation);
            }

            if (ObjectType(method, parameters) is { } type)
            {
                activity.SetTag("kurento.object_type", type);
            }
        }

        return activity;
    }

    public static void Failed(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        if (exception is KurentoException { Code: not 0 } kurento)
        {
            activity.SetTag("kurento.error_code", kurento.Code);
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
    }

    /// <summary>The type created, or the type in the object's id (KMS's and ours end in <c>_kurento.WebRtcEndpoint</c>, <c>manager_ServerManager</c>).</summary>
    private static string? ObjectType(string method, JsonObject? parameters)
    {
        if (method == "create")
        {
            return Text(parameters, "type");
        }

        if (Text(parameters, "object") is not { } id)
        {
            return null;
        }

        var last = id[(id.LastIndexOf('/') + 1)..];
        var separator = Math.Max(last.LastIndexOf('.'), last.LastIndexOf('_'));
        return separator >= 0 && separator < last.Length - 1 ? last[(separator + 1)..] : null;
    }

    private static string? Text(JsonObject? parameters, string name) =>
        parameters?[name] is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}
