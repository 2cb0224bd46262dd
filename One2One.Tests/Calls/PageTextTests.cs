using One2One.Server.Contracts;

namespace One2One.Tests.Calls;

/// <summary>Names in the sentences the server writes for pages: one written right to left is isolated, others are left alone.</summary>
public sealed class PageTextTests
{
    [Theory]
    [InlineData("\u05D0\u05D1\u05D9")] // Hebrew
    [InlineData("\u0639\u0644\u064A")] // Arabic
    [InlineData("\u0710\u0712\u0710")] // Syriac
    [InlineData("Avi \u05D0\u05D1\u05D9")] // mixed: the whole name
    [InlineData("\U0001E900\U0001E901")] // Adlam, beyond the BMP
    public void A_name_with_letters_written_right_to_left_is_isolated(string name) =>
        PageText.Name(name).Should().Be("\u2068" + name + "\u2069");

    [Theory]
    [InlineData("bob")]
    [InlineData("Zo\u00EB")]
    [InlineData("\u0396\u03C9\u03AE")]
    [InlineData("\u0410\u043D\u043D\u0430")]
    [InlineData("\u5C71\u7530")]
    [InlineData("O'Brien 2")]
    public void Other_names_are_left_as_they_are(string name) => PageText.Name(name).Should().Be(name);
}
