namespace One2One.MediaServer.Elements;

/// <summary>Media of <see cref="Type"/> flows from <see cref="Source"/> to <see cref="Sink"/> (Kurento ElementConnectionData).</summary>
internal sealed record ElementConnection(MediaElementImpl Source, MediaElementImpl Sink, KurentoMediaType Type);
