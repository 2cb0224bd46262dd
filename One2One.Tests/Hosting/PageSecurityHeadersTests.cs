using One2One.Tests.Support;

namespace One2One.Tests.Hosting;

/// <summary>The headers every response carries so that other sites cannot frame the page or sniff its files.</summary>
public sealed class PageSecurityHeadersTests
{
    [Fact]
    public async Task The_page_may_be_framed_only_by_the_server_s_own_pages_and_the_allowed_sites()
    {
        await using var server = new One2OneServerFactory()
            .WithSetting("Hub:AllowedOrigins:0", "https://App.Example.org:443/")
            .WithSetting("Hub:AllowedOrigins:1", "http://partner.test:8080");
        using var http = server.CreateClient();

        foreach (var path in new[] { "/", "/js/app.js", "/healthz" })
        {
            using var response = await http.GetAsync(path);

            response.Headers.GetValues("Content-Security-Policy").Should().Equal(["frame-ancestors 'self' https://app.example.org http://partner.test:8080"], path);
            response.Headers.Contains("X-Frame-Options").Should().BeFalse("it cannot name other sites, and would forbid the listed ones where frame-ancestors is not read ({0})", path);
            response.Headers.GetValues("X-Content-Type-Options").Should().Equal(["nosniff"], path);
            response.Headers.GetValues("Referrer-Policy").Should().Equal(["no-referrer"], path);
        }
    }

    [Fact]
    public async Task Without_other_sites_the_older_frame_header_says_the_same()
    {
        await using var server = new One2OneServerFactory();
        using var http = server.CreateClient();

        using var response = await http.GetAsync("/");

        response.Headers.GetValues("Content-Security-Policy").Should().Equal(["frame-ancestors 'self'"]);
        response.Headers.GetValues("X-Frame-Options").Should().Equal(["SAMEORIGIN"]);
    }
}
