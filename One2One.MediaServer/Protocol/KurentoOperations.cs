using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using One2One.MediaServer.Elements;

namespace One2One.MediaServer.Protocol;

/// <summary>
/// <c>invoke</c>: maps an operation name and its <c>operationParams</c> onto a typed call of the element model,
/// and the return value onto <c>result.value</c>. Unknown operations are 40105; bad parameters 40107.
/// </summary>
internal sealed class KurentoOperations(MediaSet mediaSet, KurentoSessionRegistry sessions)
{
    // Properties clients set and read without media meaning for us (kmd defaults); kept as JSON on the object.
    private static readonly FrozenDictionary<string, string> EndpointProperties = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["minOutputBitrate"] = "0",
        ["maxOutputBitrate"] = "0",
        ["minVideoRecvBandwidth"] = "0",
        ["maxVideoRecvBandwidth"] = "0",
        ["maxAudioRecvBandwidth"] = "0",
        ["minVideoSendBandwidth"] = "100",
        ["maxVideoSendBandwidth"] = "500",
        ["mtu"] = "1200",
        ["stunServerAddress"] = "\"\"",
        ["stunServerPort"] = "3478",
        ["turnUrl"] = "\"\"",
        ["networkInterfaces"] = "\"\"",
        ["externalIPv4"] = "\"\"",
        ["externalIPv6"] = "\"\"",
        ["externalAddress"] = "\"\"",
        ["iceTcp"] = "true",
        ["maxEncoderBitrate"] = "0",
        ["minEncoderBitrate"] = "0",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> PipelineProperties = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["latencyStats"] = "false",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public async ValueTask<RpcResult> InvokeAsync(MediaObjectImpl target, string operation, JsonElement? p)
    {
        var common = InvokeCommon(target, operation, p);
        if (common is not null)
        {
            return common;
        }

        var result = target switch
        {
            ServerManager manager => InvokeServerManager(manager, operation, p),
            MediaPipelineImpl pipeline => InvokeProperty(pipeline, PipelineProperties, operation, p),
            WebRtcEndpointImpl endpoint => await InvokeWebRtcEndpointAsync(endpoint, operation, p).ConfigureAwait(false),
            _ => null,
        };

        return result ?? throw new KurentoErrorException(
            KurentoErrorCode.MediaObjectMethodNotFound, $"Method '{operation}' not found on {target.Type.QualifiedName}");
    }

    // MediaObjectImpl's operations.
    private static RpcResult? InvokeCommon(MediaObjectImpl target, string operation, JsonElement? p)
    {
        switch (operation)
        {
            case "getName":
                return RpcResult.Value(target.Name);
            case "setName":
                target.Name = KurentoJson.RequireString(p, "name");
                return RpcResult.Void;
            case "getChildren":
                return RpcResult.Value(target.Children.Select(c => c.Id));
            case "getParent":
                return RpcResult.Value(target.Parent?.Id);
            case "getMediaPipeline":
                return RpcResult.Value(target switch
                {
                    MediaElementImpl element => element.Pipeline.Id,
                    MediaPipelineImpl pipeline => pipeline.Id,
                    _ => null,
                });
            case "getCreationTime":
                return RpcResult.Value(target.CreationTime);
            case "getSendTagsInEvents":
                return RpcResult.Value(target.SendTagsInEvents);
            case "setSendTagsInEvents":
                target.SendTagsInEvents = KurentoJson.OptionalBool(p, "sendTagsInEvents") ?? throw KurentoErrors.IllegalParam("'sendTagsInEvents' parameter is required");
                return RpcResult.Void;
            case "addTag":
                target.AddTag(KurentoJson.RequireString(p, "key"), KurentoJson.RequireString(p, "value"));
                return RpcResult.Void;
            case "removeTag":
                target.RemoveTag(KurentoJson.RequireString(p, "key"));
                return RpcResult.Void;
            case "getTag":
                var key = KurentoJson.RequireString(p, "key");
                return target.TryGetTag(key, out var value)
                    ? RpcResult.Value(value)
                    : throw new KurentoErrorException(KurentoErrorCode.MediaObjectTagKeyNotFound, $"Tag key '{key}' not found");
            case "getTags":
                var tags = target.GetTags();
                return RpcResult.ValueFrom(w =>
                {
                    w.WriteStartArray();
                    foreach (var tag in tags)
                    {
                        KurentoJson.WriteTag(w, tag.Key, tag.Value);
                    }

                    w.WriteEndArray();
                });
            default:
                return null;
        }
    }

    private RpcResult? InvokeServerManager(ServerManager manager, string operation, JsonElement? p) => operation switch
    {
        "getInfo" => RpcResult.ValueFrom(WriteServerInfo),
        "getPipelines" => RpcResult.Value(mediaSet.Pipelines().Select(x => x.Id).ToArray()),
        "getSessions" => RpcResult.Value(sessions.SessionIds.ToArray()),
        "getCpuCount" => RpcResult.Value(Environment.ProcessorCount),
        "getUsedCpu" => RpcResult.Value(0.0),
        "getUsedMemory" => RpcResult.Value(GC.GetTotalMemory(forceFullCollection: false) / 1024),
        "getKmd" => RpcResult.Value(""),
        _ => InvokeProperty(manager, FrozenDictionary<string, string>.Empty, operation, p),
    };

    /// <summary>ServerInfo as KMS serializes it (ServerMethods.cpp builds it from its modules).</summary>
    private static void WriteServerInfo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("__module__", "kurento");
        w.WriteString("__type__", "ServerInfo");
        w.WriteStartArray("capabilities");
        w.WriteStringValue("transactions");
        w.WriteEndArray();
        w.WriteStartArray("modules");
        foreach (var (name, factories) in ServerManager.Modules)
        {
            w.WriteStartObject();
            w.WriteString("__module__", "kurento");
            w.WriteString("__type__", "ModuleInfo");
            w.WriteStartArray("factories");
            foreach (var factory in factories)
            {
                w.WriteStringValue(factory);
            }

            w.WriteEndArray();
            w.WriteString("generationTime", "");
            w.WriteString("name", name);
            w.WriteString("version", ServerManager.Version);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("type", "KMS");
        w.WriteString("version", ServerManager.Version);
        w.WriteEndObject();
    }

    private async ValueTask<RpcResult?> InvokeWebRtcEndpointAsync(WebRtcEndpointImpl endpoint, string operation, JsonElement? p)
    {
        switch (operation)
        {
            case "processOffer":
                return RpcResult.Value(await endpoint.ProcessOfferAsync(KurentoJson.RequireString(p, "offer")).ConfigureAwait(false));
            case "gatherCandidates":
                await endpoint.GatherCandidatesAsync().ConfigureAwait(false);
                return RpcResult.Void;
            case "addIceCandidate":
                await endpoint.AddIceCandidateAsync(ReadCandidate(p)).ConfigureAwait(false);
                return RpcResult.Void;
            case "connect":
                await endpoint.ConnectAsync(Sink(p), KurentoJson.OptionalMediaType(p)).ConfigureAwait(false);
                return RpcResult.Void;
            case "disconnect":
                await endpoint.DisconnectAsync(Sink(p), KurentoJson.OptionalMediaType(p)).ConfigureAwait(false);
                return RpcResult.Void;
            case "getSinkConnections":
                return Connections(await endpoint.GetSinkConnectionsAsync(KurentoJson.OptionalMediaType(p)).ConfigureAwait(false));
            case "getSourceConnections":
                return Connections(await endpoint.GetSourceConnectionsAsync(KurentoJson.OptionalMediaType(p)).ConfigureAwait(false));
            case "getStats":
                return Stats(endpoint, await endpoint.GetStatsAsync().ConfigureAwait(false), KurentoJson.OptionalMediaType(p));
            case "isMediaFlowingIn":
                return RpcResult.Value(await endpoint.IsMediaFlowingInAsync(KurentoJson.RequireMediaType(p)).ConfigureAwait(false));
            case "isMediaFlowingOut":
                return RpcResult.Value(await endpoint.IsMediaFlowingOutAsync(KurentoJson.RequireMediaType(p)).ConfigureAwait(false));
            case "isMediaTranscoding":
                return RpcResult.Value(false);
            case "requestKeyframe":
                await endpoint.RequestKeyframeAsync().ConfigureAwait(false);
                return RpcResult.Void;
            case "setMaxVideoRecvBandwidth":
                // Stored as a property too, so getMaxVideoRecvBandwidth reads it back as on KMS.
                await endpoint.SetMaxVideoRecvBandwidthAsync(ReadKilobitsPerSecond(p, "maxVideoRecvBandwidth")).ConfigureAwait(false);
                return InvokeProperty(endpoint, EndpointProperties, operation, p);
            case "getIceConnectionState":
                return IceConnections(await endpoint.GetIceStateAsync().ConfigureAwait(false));
            case "getConnectionState":
            case "getMediaState":
                return RpcResult.Value(endpoint.IsConnected ? "CONNECTED" : "DISCONNECTED");
            case "getLocalSessionDescriptor":
                return RpcResult.Value(await endpoint.GetLocalDescriptionAsync().ConfigureAwait(false)
                    ?? throw new KurentoErrorException(KurentoErrorCode.SdpEndPointNoLocalSdp, "No local SDP: processOffer was not called"));
            case "getRemoteSessionDescriptor":
                return RpcResult.Value(await endpoint.GetRemoteDescriptionAsync().ConfigureAwait(false)
                    ?? throw new KurentoErrorException(KurentoErrorCode.SdpEndPointNoRemoteSdp, "No remote SDP: processOffer was not called"));
            case "generateOffer":
            case "processAnswer":
            case "createDataChannel":
            case "closeDataChannel":
                throw new KurentoErrorException(KurentoErrorCode.NotImplemented, $"'{operation}' is not implemented: this server answers browser offers only");
            default:
                return InvokeProperty(endpoint, EndpointProperties, operation, p);
        }
    }

    /// <summary>getXxx / setXxx of a stored property: <c>{"xxx": value}</c> in, the stored or default value out.</summary>
    private static RpcResult? InvokeProperty(MediaObjectImpl target, FrozenDictionary<string, string> properties, string operation, JsonElement? p)
    {
        if (operation.Length < 4 || !(operation.StartsWith("get", StringComparison.Ordinal) || operation.StartsWith("set", StringComparison.Ordinal)))
        {
            return null;
        }

        var name = string.Concat(char.ToLowerInvariant(operation[3]).ToString(), operation.AsSpan(4));
        if (!properties.TryGetValue(name, out var defaultJson))
        {
            return null;
        }

        if (operation[0] == 'g')
        {
            var json = target.TryGetProperty(name, out var stored) ? stored : defaultJson;
            return RpcResult.ValueFrom(w => w.WriteRawValue(json, skipInputValidation: true));
        }

        var value = KurentoJson.TryGetMember(p, name) ?? throw KurentoErrors.IllegalParam($"'{name}' parameter is required");
        target.SetProperty(name, value.GetRawText());
        return RpcResult.Void;
    }

    /// <summary>A bandwidth property: a whole number of kbps, 0 meaning no cap (SdpEndpoint.kmd.json).</summary>
    private static int ReadKilobitsPerSecond(JsonElement? p, string name) =>
        KurentoJson.TryGetMember(p, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var kbps) && kbps >= 0
            ? kbps
            : throw KurentoErrors.IllegalParam($"'{name}' must be a whole number of kbps, 0 or more");

    private MediaElementImpl Sink(JsonElement? p)
    {
        var sinkId = KurentoJson.RequireString(p, "sink");
        return mediaSet.Get(sinkId) as MediaElementImpl ?? throw KurentoErrors.IllegalParam($"'{sinkId}' is not a media element");
    }

    /// <summary>addIceCandidate's IceCandidate; <c>__module__</c>/<c>__type__</c> are optional on input as in KMS.</summary>
    private static RemoteIceCandidate ReadCandidate(JsonElement? p)
    {
        var candidate = KurentoJson.TryGetMember(p, "candidate");
        if (candidate is not { ValueKind: JsonValueKind.Object } c)
        {
            throw KurentoErrors.IllegalParam("'candidate' parameter is required and must be an IceCandidate");
        }

        var text = KurentoJson.RequireString(c, "candidate");
        var sdpMid = KurentoJson.TryGetString(c, "sdpMid");
        int? index = null;
        if (c.TryGetProperty("sdpMLineIndex", out var i) && i.ValueKind == JsonValueKind.Number)
        {
            index = i.TryGetInt32(out var n) && n >= 0 ? n : throw KurentoErrors.IllegalParam("'sdpMLineIndex' must be a non-negative integer");
        }

        return new RemoteIceCandidate(text, sdpMid, index);
    }

    /// <summary>ElementConnectionData[] as KMS serializes it.</summary>
    private static RpcResult Connections(ElementConnection[] connections) => RpcResult.ValueFrom(w =>
    {
        w.WriteStartArray();
        foreach (var c in connections)
        {
            w.WriteStartObject();
            w.WriteString("__module__", "kurento");
            w.WriteString("__type__", "ElementConnectionData");
            w.WriteString("sink", c.Sink.Id);
            w.WriteString("sinkDescription", "default");
            w.WriteString("source", c.Source.Id);
            w.WriteString("sourceDescription", "default");
            w.WriteString("type", KurentoJson.Name(c.Type));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    /// <summary>WebRtcEndpoint's IceConnectionState: one IceConnection (elements.kmd.json), the one component of a bundled, rtcp-muxed session.</summary>
    private static RpcResult IceConnections(KurentoIceState state) => RpcResult.ValueFrom(w =>
    {
        w.WriteStartArray();
        w.WriteStartObject();
        w.WriteString("__module__", "kurento");
        w.WriteString("__type__", "IceConnection");
        w.WriteString("streamId", "1");
        w.WriteNumber("componentId", 1);
        w.WriteString("state", KurentoJson.Name(state));
        w.WriteEndObject();
        w.WriteEndArray();
    });

    /// <summary>
    /// getStats: a map of stats id → RTCInboundRTPStreamStats / RTCOutboundRTPStreamStats, with the members KMS's kmd
    /// declares (StatsType values "inboundrtp"/"outboundrtp" as in core.kmd.json) plus <c>kind</c> (W3C) to tell audio from video.
    /// </summary>
    private RpcResult Stats(WebRtcEndpointImpl endpoint, IReadOnlyList<WebRtcStreamStats> stats, KurentoMediaType? filter)
    {
        var now = mediaSet.TimeProvider.GetUtcNow();
        var millis = now.ToUnixTimeMilliseconds();
        return RpcResult.ValueFrom(w =>
        {
            w.WriteStartObject();
            foreach (var s in stats)
            {
                if (filter is { } f && s.Kind != f)
                {
                    continue;
                }

                var direction = s.Inbound ? "inbound" : "outbound";
                var id = string.Create(CultureInfo.InvariantCulture, $"{endpoint.Id}_{direction}_{KurentoJson.Name(s.Kind)}_{s.Ssrc}");
                w.WriteStartObject(id);
                w.WriteString("__module__", "kurento");
                w.WriteString("__type__", s.Inbound ? "RTCInboundRTPStreamStats" : "RTCOutboundRTPStreamStats");
                w.WriteString("id", id);
                w.WriteString("type", s.Inbound ? "inboundrtp" : "outboundrtp");
                w.WriteNumber("timestamp", millis / 1000.0);
                w.WriteNumber("timestampMillis", millis);
                w.WriteString("kind", s.Kind == KurentoMediaType.Audio ? "audio" : s.Kind == KurentoMediaType.Video ? "video" : "data");
                w.WriteString("ssrc", s.Ssrc.ToString(CultureInfo.InvariantCulture));
                w.WriteString("codecId", s.Codec);
                w.WriteString("associateStatsId", "");
                w.WriteBoolean("isRemote", false);
                w.WriteString("mediaTrackId", "");
                w.WriteString("transportId", "");
                w.WriteNumber("firCount", 0);
                w.WriteNumber("pliCount", 0);
                w.WriteNumber("nackCount", 0);
                w.WriteNumber("sliCount", 0);
                w.WriteNumber("remb", 0);
                w.WriteNumber("packetsLost", s.PacketsDropped);
                w.WriteNumber("fractionLost", 0.0);
                if (s.Inbound)
                {
                    w.WriteNumber("packetsReceived", s.Packets);
                    w.WriteNumber("bytesReceived", s.Bytes);
                    w.WriteNumber("jitter", 0.0);
                }
                else
                {
                    w.WriteNumber("packetsSent", s.Packets);
                    w.WriteNumber("bytesSent", s.Bytes);
                    w.WriteNumber("targetBitrate", 0.0);
                    w.WriteNumber("roundTripTime", 0.0);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        });
    }
}
