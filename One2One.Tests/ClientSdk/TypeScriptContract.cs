using System.Reflection;
using System.Text;
using One2One.Server.Contracts;
using One2One.Server.Signaling;

namespace One2One.Tests.ClientSdk;

/// <summary>
/// Renders the hub's C# contract as the TypeScript the client compiles against (One2One.Client/src/contract.ts):
/// the reason codes, the refusal codes, the hub's methods and their arguments, the client callbacks and every message
/// record they carry. <see cref="ClientContractTests"/> compares the rendering with the committed file.
/// </summary>
internal static class TypeScriptContract
{
    public const string RelativePath = "One2One.Client/src/contract.ts";

    /// <summary>Which C# types make up a contract; the real one by default, others to show the check catches drift.</summary>
    public sealed record Source(Type Reasons, Type Refusals, Type Responses, Type CallAnswers, Type Hub, Type Client)
    {
        public static readonly Source Server = new(
            typeof(Reasons), typeof(HubRejection), typeof(Responses), typeof(CallAnswers), typeof(One2OneHub), typeof(IOne2OneClient));
    }

    // Strings whose values come from one of the constant sets, by property or parameter name.
    private static readonly Dictionary<string, string> NamedStrings = new(StringComparer.Ordinal)
    {
        ["Response"] = "ResponseValue",
        ["Reason"] = "Reason",
        ["callResponse"] = "CallAnswer",
    };

    // The hub takes every argument as nullable so that it can refuse a missing one itself; these are the ones a
    // well-behaved client may leave null (an offer only goes with "accept").
    private static readonly HashSet<(string Method, string Parameter)> NullableArguments = [("IncomingCallResponse", "sdpOffer")];

    private static readonly NullabilityInfoContext Nullability = new();

    public static string Render(Source source)
    {
        var ts = new StringBuilder();
        ts.Append("// The hub's contract, generated from the C# one (One2One.Server/Contracts) by One2One.Tests/ClientSdk: do not edit.\n");
        ts.Append("// ClientContractTests fails when this file and the C# disagree; to regenerate it after a change to the C# contract:\n");
        ts.Append("//   ONE2ONE_WRITE_CONTRACT=1 dotnet test --filter FullyQualifiedName~ClientContractTests\n");

        Constants(ts, source.Reasons, "reasons", "Reason", "Why a registration or a call was refused, or why a call ended (Reasons).");
        Constants(ts, source.Refusals, "refusals", "Refusal", "Why an invocation was refused (HubRejection): the code before \": \" in the HubException's message.");
        Constants(ts, source.Responses, "responses", "ResponseValue", "The response of a RegisterResponse or CallResponse (Responses).");
        Constants(ts, source.CallAnswers, "callAnswers", "CallAnswer", "The callResponse argument of IncomingCallResponse (CallAnswers).");

        var hubMethods = source.Hub.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == source.Hub)
            .OrderBy(m => m.MetadataToken)
            .ToList();
        var callbacks = source.Client.GetMethods().OrderBy(m => m.MetadataToken).ToList();

        ts.Append("\n/** The hub's method names (One2OneHub), by the name the client uses. */\n");
        ts.Append("export const hubMethods = {\n");
        foreach (var method in hubMethods)
        {
            ts.Append($"  {Camel(method.Name)}: \"{method.Name}\",\n");
        }

        ts.Append("} as const;\n");

        var records = new List<Type>();
        foreach (var parameter in callbacks.Concat(hubMethods).SelectMany(m => m.GetParameters()))
        {
            CollectRecords(parameter.ParameterType, records);
        }

        foreach (var method in hubMethods.Where(m => m.ReturnType.IsGenericType || (m.ReturnType != typeof(void) && m.ReturnType != typeof(Task) && m.ReturnType != typeof(ValueTask))))
        {
            CollectRecords(method.ReturnType.IsGenericType ? method.ReturnType.GetGenericArguments()[0] : method.ReturnType, records);
        }

        foreach (var record in records)
        {
            Record(ts, record);
        }

        ts.Append("\n/** The server's callbacks (IOne2OneClient), by the camelCase name SignalR's JSON protocol sends. */\n");
        ts.Append("export interface ClientEvents {\n");
        foreach (var callback in callbacks)
        {
            var parameters = string.Join(", ", callback.GetParameters().Select(p => $"{p.Name}: {TypeOf(p.ParameterType)}"));
            ts.Append($"  {Camel(callback.Name)}({parameters}): void;\n");
        }

        ts.Append("}\n");

        ts.Append("\n/** The hub's methods (One2OneHub); each resolves when the server has handled the invocation. */\n");
        ts.Append("export interface One2OneServer {\n");
        foreach (var method in hubMethods)
        {
            var parameters = string.Join(", ", method.GetParameters().Select(p => $"{p.Name}: {ArgumentType(method, p)}"));
            ts.Append($"  {Camel(method.Name)}({parameters}): {ReturnType(method)};\n");
        }

        ts.Append("}\n");
        return ts.ToString();
    }

    private static void Constants(StringBuilder ts, Type type, string listName, string typeName, string summary)
    {
        var values = type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .OrderBy(f => f.MetadataToken)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        ts.Append($"\n/** {summary} */\n");
        ts.Append($"export const {listName} = [\n");
        foreach (var value in values)
        {
            ts.Append($"  \"{value}\",\n");
        }

        ts.Append("] as const;\n");
        ts.Append($"export type {typeName} = (typeof {listName})[number];\n");
    }

    private static void Record(StringBuilder ts, Type record)
    {
        var constructor = record.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        ts.Append($"\n/** {record.Name} (a C# record). */\n");
        ts.Append($"export interface {record.Name} {{\n");
        foreach (var parameter in constructor.GetParameters())
        {
            var property = record.GetProperty(parameter.Name!)
                ?? throw new InvalidOperationException($"{record.Name}.{parameter.Name} is a constructor parameter but no property.");
            var nullable = Nullability.Create(property).ReadState == NullabilityState.Nullable;
            var type = NamedStrings.TryGetValue(property.Name, out var named) && property.PropertyType == typeof(string)
                ? named
                : TypeOf(property.PropertyType);
            var optional = parameter.HasDefaultValue ? "?" : "";
            ts.Append($"  readonly {Camel(property.Name)}{optional}: {type}{(nullable ? " | null" : "")};\n");
        }

        ts.Append("}\n");
    }

    private static string ArgumentType(MethodInfo method, ParameterInfo parameter)
    {
        var type = NamedStrings.TryGetValue(parameter.Name!, out var named) && parameter.ParameterType == typeof(string)
            ? named
            : TypeOf(parameter.ParameterType);
        return NullableArguments.Contains((method.Name, parameter.Name!)) ? type + " | null" : type;
    }

    private static string ReturnType(MethodInfo method)
    {
        var type = method.ReturnType;
        if (type == typeof(void) || type == typeof(Task) || type == typeof(ValueTask))
        {
            return "Promise<void>";
        }

        var result = type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>))
            ? type.GetGenericArguments()[0]
            : type;
        return $"Promise<{TypeOf(result)}>";
    }

    private static string TypeOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "string";
        }

        if (type == typeof(bool))
        {
            return "boolean";
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(float) || type == typeof(uint) || type == typeof(ushort))
        {
            return "number";
        }

        if (ElementType(type) is { } element)
        {
            return $"readonly {TypeOf(element)}[]";
        }

        if (IsRecord(type))
        {
            return type.Name;
        }

        throw new NotSupportedException($"The contract uses {type}, which has no TypeScript mapping in {nameof(TypeScriptContract)} yet.");
    }

    private static void CollectRecords(Type type, List<Type> records)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (ElementType(type) is { } element)
        {
            CollectRecords(element, records);
            return;
        }

        if (!IsRecord(type) || records.Contains(type))
        {
            return;
        }

        records.Add(type);
        foreach (var property in type.GetProperties().OrderBy(p => p.MetadataToken))
        {
            CollectRecords(property.PropertyType, records);
        }
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.IsGenericType && type.GetGenericTypeDefinition() is var definition
               && (definition == typeof(IReadOnlyList<>) || definition == typeof(IEnumerable<>) || definition == typeof(List<>) || definition == typeof(IReadOnlyCollection<>))
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static bool IsRecord(Type type) => type.IsClass && type.GetMethod("<Clone>$") is not null;

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
