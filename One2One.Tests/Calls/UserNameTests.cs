using One2One.Server.Calls;

namespace One2One.Tests.Calls;

/// <summary>The rules of a name on their own (the hub's answers to them are in RegistrationScenarios).</summary>
public sealed class UserNameTests
{
    [Theory]
    [InlineData("  alice\t", "alice")]
    [InlineData("Zoe\u0308", "Zo\u00EB")]
    [InlineData("\uFF21lice", "Alice")]
    [InlineData("Ann \u00A0\u3000 Lee", "Ann Lee")]
    [InlineData("\uFB01ona", "fiona")] // a ligature
    [InlineData("\u0410\u043D\u043D\u0430", "\u0410\u043D\u043D\u0430")] // Cyrillic alone
    [InlineData("\u0391\u03B8\u03B7\u03BD\u03AC", "\u0391\u03B8\u03B7\u03BD\u03AC")] // Greek alone
    [InlineData("Jos\u00E9 \u5F20\u4F1F", "Jos\u00E9 \u5F20\u4F1F")] // Latin with Han
    [InlineData("\u0418\u0440\u0438\u043D\u0430 2", "\u0418\u0440\u0438\u043D\u0430 2")] // digits go with any script
    public void A_name_is_kept_in_one_form(string raw, string expected)
    {
        UserName.TryNormalize(raw, out var name, out var error).Should().BeTrue(error);

        name.Should().Be(expected);
    }

    [Theory]
    [InlineData("\u0430lice", "mix")] // Cyrillic а
    [InlineData("\u03BFscar", "mix")] // Greek ο
    [InlineData("\u0410nna \u0391", "mix")] // Cyrillic and Greek
    [InlineData("a\u00AD", "invisible")] // a soft hyphen, which NFKC keeps and a page does not show
    [InlineData("alice\uFE0F", "invisible")] // a variation selector
    [InlineData("ali\u034Fce", "invisible")] // the combining grapheme joiner
    [InlineData("alice\u3164", "invisible")] // a Hangul filler
    [InlineData("alice\u2800", "invisible")] // the blank braille pattern
    public void A_name_that_could_pass_for_another_or_is_not_text_is_refused(string raw, string expected)
    {
        UserName.TryNormalize(raw, out _, out var error).Should().BeFalse();

        error.Should().Contain(expected);
    }

    [Fact]
    public void Broken_text_is_refused_even_behind_a_real_replacement_character()
    {
        // Built here: an attribute's strings are stored as UTF-8, which cannot hold a lone surrogate.
        foreach (var raw in new[] { "\uD800x", "\uFFFD\uDC00", "ok\uFFFD" + '\uD83D' })
        {
            UserName.TryNormalize(raw, out _, out var error).Should().BeFalse(raw);
            error.Should().Contain("not valid text");
        }
    }

    [Fact]
    public void Length_is_counted_after_folding()
    {
        // "㌀" (one character) is "アパート" (four) in its compatibility form.
        UserName.TryNormalize(new string('\u3300', 16), out _, out _).Should().BeTrue();
        UserName.TryNormalize(new string('\u3300', 17), out _, out var error).Should().BeFalse();

        error.Should().Contain("at most 64");
    }

    [Fact]
    public void A_page_s_echo_of_a_name_names_its_holder_whatever_its_spelling()
    {
        UserName.Matches("Zo\u00EB", " zoe\u0308 ").Should().BeTrue();
        UserName.Matches("Zo\u00EB", "Zoe").Should().BeFalse();
        UserName.Matches("Zo\u00EB", null).Should().BeFalse();
    }
}
