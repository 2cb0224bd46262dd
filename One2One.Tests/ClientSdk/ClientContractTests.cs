using One2One.Tests.ClientSdk.Drift;

namespace One2One.Tests.ClientSdk;

/// <summary>
/// One contract: the TypeScript client's hub method names, message shapes and reason codes (One2One.Client/src/contract.ts)
/// are what <see cref="TypeScriptContract"/> renders from the C# contract, line for line. A reason, refusal, callback,
/// hub method, argument or message field on one side only fails this test with the diff.
/// </summary>
public sealed class ClientContractTests
{
    private const string WriteVariable = "ONE2ONE_WRITE_CONTRACT";

    [Fact]
    public void The_TypeScript_contract_is_the_one_rendered_from_the_CSharp_contract()
    {
        var path = Path.Combine(RepositoryRoot(), TypeScriptContract.RelativePath);
        var rendered = TypeScriptContract.Render(TypeScriptContract.Source.Server);
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            File.WriteAllText(path, rendered);
        }

        var diff = LineDiff.Between(File.ReadAllText(path), rendered);

        diff.Should().BeEmpty(
            $"{TypeScriptContract.RelativePath} must match the C# contract (- only in the TypeScript, + only in the C#); "
            + $"after changing the C# contract, regenerate it with {WriteVariable}=1 dotnet test --filter FullyQualifiedName~ClientContractTests:\n{diff}");
    }

    [Fact]
    public void Every_reason_and_refusal_code_of_the_server_is_in_the_TypeScript_contract()
    {
        var committed = File.ReadAllText(Path.Combine(RepositoryRoot(), TypeScriptContract.RelativePath));

        foreach (var code in new[] { "server-shutdown", "name-not-allowed", "server-busy", "rate-limited", "not-registered", "invalid-request" })
        {
            committed.Should().Contain($"  \"{code}\",\n");
        }

        committed.Should().NotContain("string & {}", "an open union would hide a reason the client does not know");
    }

    [Fact]
    public void A_reason_added_only_in_CSharp_is_a_difference()
    {
        var rendered = TypeScriptContract.Render(TypeScriptContract.Source.Server with { Reasons = typeof(ReasonsWithOneMore) });

        var diff = LineDiff.Between(TypeScriptContract.Render(TypeScriptContract.Source.Server), rendered);

        diff.Should().Be("+ 29:   \"call-recorded\",\n");
    }

    [Fact]
    public void A_reason_added_only_in_TypeScript_is_a_difference()
    {
        var rendered = TypeScriptContract.Render(TypeScriptContract.Source.Server);
        var edited = rendered.Replace("  \"name-not-allowed\",\n", "  \"name-not-allowed\",\n  \"made-up\",\n", StringComparison.Ordinal);

        LineDiff.Between(edited, rendered).Should().Be("- 27:   \"made-up\",\n");
    }

    [Fact]
    public void A_message_field_added_only_in_CSharp_is_a_difference()
    {
        var rendered = TypeScriptContract.Render(TypeScriptContract.Source.Server with { Client = typeof(IClientWithAFieldMore) });

        var diff = LineDiff.Between(TypeScriptContract.Render(TypeScriptContract.Source.Server), rendered);

        diff.Should().Match("+ *:   readonly code?: number | null;\n");
    }

    [Fact]
    public void A_message_field_missing_in_TypeScript_is_a_difference()
    {
        var rendered = TypeScriptContract.Render(TypeScriptContract.Source.Server);
        var edited = rendered.Replace("  readonly sdpAnswer?: string | null;\n", "", StringComparison.Ordinal);

        LineDiff.Between(edited, rendered).Should().Match("+ *:   readonly sdpAnswer?: string | null;\n");
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "One2One.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("One2One.sln not found above " + AppContext.BaseDirectory);
    }
}
