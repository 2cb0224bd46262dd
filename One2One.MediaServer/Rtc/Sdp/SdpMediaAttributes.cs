namespace One2One.MediaServer.Rtc.Sdp;

/// <summary>a=rtpmap:&lt;pt&gt; &lt;encoding&gt;/&lt;clock rate&gt;[/&lt;channels&gt;] (RFC 8866 §6.6); channels is 1 when absent.</summary>
internal sealed record RtpMap(int PayloadType, string EncodingName, int ClockRate, int Channels);

/// <summary>a=rtcp-fb:&lt;pt|*&gt; &lt;type&gt; [&lt;parameter&gt;] (RFC 4585 §4.2); <see cref="PayloadType"/> is null for "*".</summary>
internal sealed record RtcpFeedback(int? PayloadType, string Type, string? Parameter)
{
    public string Value => Parameter is null ? Type : Type + " " + Parameter;
}

/// <summary>a=extmap:&lt;id&gt;[/&lt;direction&gt;] &lt;uri&gt; [&lt;attributes&gt;] (RFC 8285 §8).</summary>
internal sealed record HeaderExtensionMap(int Id, string? Direction, string Uri, string? Attributes);

/// <summary>a=ssrc:&lt;ssrc&gt; &lt;attribute&gt;[:&lt;value&gt;] (RFC 5576 §4.1).</summary>
internal sealed record SsrcAttribute(uint Ssrc, string Attribute, string? Value);

/// <summary>a=ssrc-group:&lt;semantics&gt; &lt;ssrc&gt;... (RFC 5576 §4.2): FID pairs a stream with its RTX stream, SIM lists simulcast layers.</summary>
internal sealed record SsrcGroup(string Semantics, IReadOnlyList<uint> Ssrcs);

/// <summary>a=msid:&lt;stream id&gt; [&lt;track id&gt;] (RFC 8830 §2).</summary>
internal sealed record MediaStreamId(string StreamId, string? TrackId);

/// <summary>An attribute as written: a=&lt;name&gt;[:&lt;value&gt;]. Unknown attributes are kept in this form.</summary>
internal sealed record SdpAttribute(string Name, string? Value);
