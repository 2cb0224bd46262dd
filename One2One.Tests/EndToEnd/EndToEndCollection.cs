using One2One.Tests.Support.Browser;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// The end-to-end tests share one Chromium and run one at a time: each holds real calls with real media, and two
/// at once on a two-core machine would measure the machine rather than the product.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "End to end";
}
