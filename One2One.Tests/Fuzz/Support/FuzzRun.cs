using CsCheck;
using One2One.Tests.Support;

namespace One2One.Tests.Fuzz.Support;

/// <summary>A recorded input and a list of mutations to apply to it.</summary>
internal sealed record FuzzCase<TMutation>(int Input, TMutation[] Mutations)
{
    public override string ToString() => $"input #{Input}, mutations [{string.Join(", ", Mutations)}]";
}

/// <summary>
/// Runs a fuzz target: random mutations of recorded inputs, from a fixed seed in CI. A longer run:
/// <c>ONE2ONE_FUZZ_ITERATIONS=1000000 dotnet test --filter Category=Fuzz</c>; <c>ONE2ONE_FUZZ_SEED</c> starts elsewhere
/// or replays the one case a failure names.
/// </summary>
internal static class FuzzRun
{
    public const string Prefix = "ONE2ONE_FUZZ";
    public const string CiSeed = "0000001dik81";
    public const long CiIterations = 20_000;

    public static SeededRunSettings Settings(long ciIterations = CiIterations) =>
        SeededRunSettings.FromEnvironment(Prefix, CiSeed, ciIterations, caseBound: TimeSpan.FromSeconds(30), shrinkSeconds: 10);

    /// <summary>Which of <paramref name="inputs"/> inputs to take, and the byte mutations to apply to it.</summary>
    public static Gen<FuzzCase<ByteMutation>> ByteCases(int inputs) =>
        Gen.Select(Gen.Int[0, inputs - 1], Mutator.ByteMutations(), (input, mutations) => new FuzzCase<ByteMutation>(input, mutations));

    /// <summary>Which of <paramref name="inputs"/> texts to take, and the text mutations to apply to it.</summary>
    public static Gen<FuzzCase<TextMutation>> TextCases(int inputs) =>
        Gen.Select(Gen.Int[0, inputs - 1], Mutator.TextMutations(), (input, mutations) => new FuzzCase<TextMutation>(input, mutations));

    /// <summary>Mutated copies of <paramref name="corpus"/>'s inputs, each given to <paramref name="property"/>.</summary>
    public static long Bytes(string name, IReadOnlyList<byte[]> corpus, Action<byte[]> property, SeededRunSettings? settings = null) =>
        Bytes(name, corpus, (_, mutated) => property(mutated), settings);

    /// <summary>As <see cref="Bytes(string, IReadOnlyList{byte[]}, Action{byte[]}, SeededRunSettings?)"/>; the property also learns which input was mutated.</summary>
    public static long Bytes(string name, IReadOnlyList<byte[]> corpus, Action<int, byte[]> property, SeededRunSettings? settings = null)
    {
        return SeededCheck.Run(name, ByteCases(corpus.Count), c => property(c.Input, Mutator.Apply(corpus[c.Input], c.Mutations, corpus)),
            c => $"{c}\nmutated: {Mutator.Hex(Mutator.Apply(corpus[c.Input], c.Mutations, corpus))}", settings ?? Settings());
    }

    /// <summary>Mutated copies of <paramref name="corpus"/>'s texts, each given to <paramref name="property"/>.</summary>
    public static long Text(string name, IReadOnlyList<string> corpus, TextFormat format, Action<string> property, SeededRunSettings? settings = null)
    {
        return SeededCheck.Run(name, TextCases(corpus.Count), c => property(Mutator.Apply(corpus[c.Input], c.Mutations, corpus, format)),
            c => $"{c}\nmutated:\n{Mutator.Show(Mutator.Apply(corpus[c.Input], c.Mutations, corpus, format))}", settings ?? Settings());
    }
}
