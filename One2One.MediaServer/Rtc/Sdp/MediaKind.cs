namespace One2One.MediaServer.Rtc.Sdp;

/// <summary>The &lt;media&gt; field of an m= line (RFC 8866 §5.14); anything but audio, video or application is <see cref="Other"/>.</summary>
internal enum MediaKind { Audio, Video, Application, Other }
