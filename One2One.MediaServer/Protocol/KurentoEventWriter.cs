using System.Globalization;
using System.Text.Json;
using One2One.MediaServer.Elements;

namespace One2One.MediaServer.Protocol;

/// <summary>
/// Writes an <c>onEvent</c> notification exactly as KMS does (WebSocketEventHandler.cpp, remoteClass_internal_cpp.ftl):
/// <c>{"jsonrpc":"2.0","method":"onEvent","params":{"value":{"data":{…,"source","tags","timestampMillis","type"},"object","type"}}}</c>.
/// Complex values carry <c>__module__</c>/<c>__type__</c>; timestamps are strings.
/// </summary>
internal static class KurentoEventWriter
{
    public static byte[] Write(MediaObjectImpl source, string eventName, MediaEvent mediaEvent) =>
        JsonRpcWriter.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc", "2.0");
            w.WriteString("method", "onEvent");
            w.WriteStartObject("params");
            w.WriteStartObject("value");
            w.WriteStartObject("data");
            WriteEventMembers(w, mediaEvent);
            w.WriteString("source", source.Id);
            w.WriteStartArray("tags");
            if (source.SendTagsInEvents)
            {
                foreach (var tag in source.GetTags())
                {
                    KurentoJson.WriteTag(w, tag.Key, tag.Value);
                }
            }

            w.WriteEndArray();
            w.WriteString("timestampMillis", mediaEvent.TimestampMillis.ToString(CultureInfo.InvariantCulture));

            // The Error event's data.type is the error kind (e.g. UNEXPECTED_PIPELINE_ERROR); the outer type stays "Error".
            w.WriteString("type", mediaEvent is MediaErrorEvent error ? error.ErrorType : eventName);
            w.WriteEndObject();
            w.WriteString("object", source.Id);
            w.WriteString("type", eventName);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });

    private static void WriteEventMembers(Utf8JsonWriter w, MediaEvent mediaEvent)
    {
        switch (mediaEvent)
        {
            case IceCandidateFoundEvent e:
                w.WriteStartObject("candidate");
                w.WriteString("__module__", "kurento");
                w.WriteString("__type__", "IceCandidate");
                w.WriteString("candidate", e.Candidate);
                w.WriteNumber("sdpMLineIndex", e.SdpMLineIndex);
                w.WriteString("sdpMid", e.SdpMid);
                w.WriteEndObject();
                break;
            case IceGatheringDoneEvent:
                break;
            case IceComponentStateChangedEvent e:
                w.WriteNumber("componentId", e.ComponentId);
                w.WriteString("state", KurentoJson.Name(e.State));
                w.WriteNumber("streamId", e.StreamId);
                break;
            case NewCandidatePairSelectedEvent e:
                w.WriteStartObject("candidatePair");
                w.WriteString("__module__", "kurento");
                w.WriteString("__type__", "IceCandidatePair");
                w.WriteNumber("componentId", e.ComponentId);
                w.WriteString("localCandidate", e.LocalCandidate);
                w.WriteString("remoteCandidate", e.RemoteCandidate);
                w.WriteString("streamId", e.StreamId);
                w.WriteEndObject();
                break;
            case DtlsConnectionStateChangeEvent e:
                w.WriteNumber("componentId", 1);
                w.WriteString("connectionId", e.ConnectionId);
                w.WriteString("state", KurentoJson.Name(e.State));
                w.WriteString("streamId", "0");
                break;
            case MediaFlowInStateChangedEvent e:
                WriteFlow(w, e.MediaType, e.Flowing);
                break;
            case MediaFlowOutStateChangedEvent e:
                WriteFlow(w, e.MediaType, e.Flowing);
                break;
            case ConnectionStateChangedEvent e:
                w.WriteString("newState", e.NewConnected ? "CONNECTED" : "DISCONNECTED");
                w.WriteString("oldState", e.OldConnected ? "CONNECTED" : "DISCONNECTED");
                break;
            case ElementConnectionEvent e:
                w.WriteString("mediaType", KurentoJson.Name(e.MediaType));
                w.WriteString("sink", e.SinkId);
                w.WriteString("sinkMediaDescription", "default");
                w.WriteString("sourceMediaDescription", "default");
                break;
            case MediaErrorEvent e:
                w.WriteString("description", e.Description);
                w.WriteNumber("errorCode", e.ErrorCode);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mediaEvent), mediaEvent.Type, "Unknown media event");
        }
    }

    private static void WriteFlow(Utf8JsonWriter w, KurentoMediaType mediaType, bool flowing)
    {
        w.WriteString("mediaType", KurentoJson.Name(mediaType));
        w.WriteString("padName", "default");
        w.WriteString("state", flowing ? "FLOWING" : "NOT_FLOWING");
    }
}
