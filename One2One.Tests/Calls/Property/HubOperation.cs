using CsCheck;

namespace One2One.Tests.Calls.Property;

/// <summary>What one client does to the hub in a random run.</summary>
internal enum HubOperationKind
{
    Register,
    Call,
    Answer,
    Stop,
    Candidate,
    Disconnect,
    Reconnect,
}

/// <summary>
/// One operation of client <see cref="Client"/>: its kind, another client it names (<see cref="Target"/>) and which
/// variant of its arguments (valid, invalid, a case variant, a huge or malformed SDP, a spoofed caller...).
/// </summary>
internal readonly record struct HubOperation(int Client, HubOperationKind Kind, int Target, int Variant)
{
    public const int Clients = 3;
    public const int Variants = 6;

    public static Gen<HubOperation> Gen { get; } = CsCheck.Gen.Select(
        CsCheck.Gen.Int[0, Clients - 1],
        CsCheck.Gen.Frequency(
            (3, CsCheck.Gen.Const(HubOperationKind.Register)),
            (4, CsCheck.Gen.Const(HubOperationKind.Call)),
            (4, CsCheck.Gen.Const(HubOperationKind.Answer)),
            (2, CsCheck.Gen.Const(HubOperationKind.Stop)),
            (2, CsCheck.Gen.Const(HubOperationKind.Candidate)),
            (1, CsCheck.Gen.Const(HubOperationKind.Disconnect)),
            (1, CsCheck.Gen.Const(HubOperationKind.Reconnect))),
        CsCheck.Gen.Int[0, Clients - 1],
        CsCheck.Gen.Int[0, Variants - 1],
        (client, kind, target, variant) => new HubOperation(client, kind, target, variant));

    /// <summary>A run: up to <paramref name="max"/> operations, issued in order.</summary>
    public static Gen<HubOperation[]> Runs(int max) => Gen.Array[1, max];

    public override string ToString() => $"c{Client}.{Kind}(target c{Target}, variant {Variant})";
}
