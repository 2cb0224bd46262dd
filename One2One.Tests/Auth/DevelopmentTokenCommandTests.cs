using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using One2One.Server.Contracts;
using One2One.Server.Hosting;
using One2One.Tests.Support;

namespace One2One.Tests.Auth;

/// <summary>
/// <c>One2One.Server token NAME</c>: the server's own program, run as a child <c>dotnet</c> process, prints a token signed
/// with the configured key, and the server then accepts it.
/// </summary>
public sealed class DevelopmentTokenCommandTests
{
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_server_program_prints_a_token_for_the_name_that_the_server_then_accepts()
    {
        var (exitCode, output, error) = await RunServerProgramAsync("token", "alice", "90m", $"--Auth:Jwt:SigningKey={TestTokens.SigningKey}", "--Auth:Jwt:Issuer=tests");

        exitCode.Should().Be(0, error);
        var token = output.Trim();
        token.Split('.').Should().HaveCount(3, "one compact JWS on one line");
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "tests",
            ValidAudience = "one2one",
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.SigningKey)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        });
        validation.IsValid.Should().BeTrue(validation.Exception?.Message);
        var jwt = (JsonWebToken)validation.SecurityToken;
        jwt.GetClaim("name").Value.Should().Be("alice");
        (jwt.ValidTo - jwt.IssuedAt).Should().Be(TimeSpan.FromMinutes(90));

        await using var server = new One2OneServerFactory().WithJwt().WithSetting("Auth:Jwt:Issuer", "tests");
        await using var alice = await SignalingClient.ConnectAsync(server.HubUri, accessToken: token);
        (await alice.RegisterAsync("alice")).Response.Should().Be(Responses.Accepted);
    }

    [Fact]
    public async Task Without_a_signing_key_the_program_says_what_to_set_and_exits_without_starting_the_server()
    {
        var (exitCode, output, error) = await RunServerProgramAsync("token", "alice");

        exitCode.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Contain("No signing key is configured").And.Contain("Auth:Jwt:SigningKey");
    }

    [Fact]
    public void The_name_claim_and_the_lifetime_come_from_the_configuration()
    {
        var configuration = Configuration(new()
        {
            ["Auth:Mode"] = "Jwt",
            ["Auth:NameClaim"] = "preferred_username",
            ["Auth:Jwt:SigningKey"] = TestTokens.SigningKey,
            ["Auth:Jwt:DevelopmentTokenLifetime"] = "00:05:00",
        });

        var (exitCode, output, error) = Run(configuration, "token", "bob");

        exitCode.Should().Be(0, error);
        error.Should().BeEmpty("Jwt mode is on: nothing to point out");
        var jwt = new JsonWebToken(output.Trim());
        jwt.GetClaim("preferred_username").Value.Should().Be("bob");
        (jwt.ValidTo - jwt.ValidFrom).Should().Be(TimeSpan.FromMinutes(5));
    }

    [Theory]
    [InlineData(new[] { "token" }, "usage: One2One.Server token NAME")]
    [InlineData(new[] { "token", "--Auth:Jwt:SigningKey=x" }, "usage: One2One.Server token NAME")]
    [InlineData(new[] { "token", "alice", "soon" }, "'soon' is not a lifetime")]
    [InlineData(new[] { "token", "alice", "99999999d" }, "'99999999d' is not a lifetime of up to 365 days")]
    [InlineData(new[] { "token", "alice", "3000000d" }, "'3000000d' is not a lifetime")]
    [InlineData(new[] { "token", "alice", "366d" }, "'366d' is not a lifetime")]
    [InlineData(new[] { "token", "alice", "9999999.00:00:00" }, "'9999999.00:00:00' is not a lifetime")]
    [InlineData(new[] { "token", "   " }, "cannot be registered: A name is required.")]
    public void Bad_usage_is_explained(string[] args, string message)
    {
        var (exitCode, output, error) = Run(Configuration(new() { ["Auth:Jwt:SigningKey"] = TestTokens.SigningKey }), args);

        exitCode.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().Contain(message);
    }

    [Fact]
    public void A_signing_key_that_is_too_short_is_refused_without_being_printed()
    {
        var (exitCode, output, error) = Run(Configuration(new() { ["Auth:Jwt:SigningKey"] = "short-secret" }), "token", "alice");

        exitCode.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Contain("needs at least 32").And.NotContain("short-secret");
    }

    [Theory]
    [InlineData("-00:05:00")]
    [InlineData("3650.00:00:00")]
    public void A_configured_lifetime_out_of_range_is_refused(string configured)
    {
        var (exitCode, output, error) = Run(
            Configuration(new() { ["Auth:Jwt:SigningKey"] = TestTokens.SigningKey, ["Auth:Jwt:DevelopmentTokenLifetime"] = configured }), "token", "alice");

        exitCode.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Contain("Auth:Jwt:DevelopmentTokenLifetime must be positive and at most 365 days");
    }

    [Fact]
    public void A_year_is_the_longest_lifetime()
    {
        var (exitCode, output, error) = Run(Configuration(new() { ["Auth:Jwt:SigningKey"] = TestTokens.SigningKey }), "token", "alice", "365d");

        exitCode.Should().Be(0, error);
        var jwt = new JsonWebToken(output.Trim());
        (jwt.ValidTo - jwt.ValidFrom).Should().Be(TimeSpan.FromDays(365));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private static (int ExitCode, string Output, string Error) Run(IConfiguration configuration, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = DevelopmentTokenCommand.Run(args, configuration, output, error, TimeProvider.System);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs the built One2One.Server.dll as <c>dotnet One2One.Server.dll ARGS</c>, as <c>dotnet run --project One2One.Server -- ARGS</c> would.</summary>
    private static async Task<(int ExitCode, string Output, string Error)> RunServerProgramAsync(params string[] args)
    {
        var program = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { WorkingDirectory = Path.GetDirectoryName(program)! };
        start.ArgumentList.Add(program);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Whatever the test run's environment says, the child reads its signing key only from the arguments.
        start.Environment.Remove("Auth__Jwt__SigningKey");
        try
        {
            var result = await ChildProcess.RunAsync(start, ExitLimit);
            return (result.ExitCode, result.Output, result.Error);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The server program did not exit within {ExitLimit.TotalSeconds} s: the command must not start the server. {ex.Message}", ex);
        }
    }
}
