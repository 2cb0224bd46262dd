using System.Text.Json.Nodes;

namespace One2One.Tests.Kurento.Support;

/// <summary>What <see cref="ScriptedKurentoServer"/> does with a request a rule matched, instead of answering as KMS would.</summary>
internal abstract record ScriptedReply
{
    /// <summary>Keeps the request until the test releases it (answered then as KMS would): late and out-of-order replies.</summary>
    public static readonly ScriptedReply Hold = new HoldReply();

    /// <summary>Never answers.</summary>
    public static readonly ScriptedReply Ignore = new IgnoreReply();

    /// <summary>Aborts the connection instead of answering.</summary>
    public static readonly ScriptedReply Drop = new DropReply();

    /// <summary>An error reply: <c>{"code":code,"message":message,"data":{"type":type}}</c>.</summary>
    public static ScriptedReply Error(int code, string type, string message) => new ErrorReply(code, type, message);

    /// <summary>A success reply with exactly this <c>result</c> object.</summary>
    public static ScriptedReply Result(JsonObject result) => new ResultReply(result);

    internal sealed record HoldReply : ScriptedReply;

    internal sealed record IgnoreReply : ScriptedReply;

    internal sealed record DropReply : ScriptedReply;

    internal sealed record ErrorReply(int Code, string Type, string Message) : ScriptedReply;

    internal sealed record ResultReply(JsonObject Value) : ScriptedReply;
}
