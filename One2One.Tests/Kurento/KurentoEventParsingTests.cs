using System.Text.Json;
using One2One.Kurento;

namespace One2One.Tests.Kurento;

/// <summary>Event records read from <c>params.value.data</c> as KMS 6.x/7.x send it (shapes from the protocol reference's transcript).</summary>
public sealed class KurentoEventParsingTests
{
    [Fact]
    public void IceCandidateFound_reads_the_IceCandidate_complex_type()
    {
        var data = Json("""{"candidate":{"__module__":"kurento","__type__":"IceCandidate","candidate":"candidate:1 1 UDP 2015363327 192.0.2.10 40000 typ host","sdpMLineIndex":0,"sdpMid":"0"},"source":"B","tags":[],"timestampMillis":"1700000000123","type":"IceCandidateFound"}""");

        IceCandidateFound.Parse(data).Should().Be(new IceCandidateFound(new KurentoIceCandidate("candidate:1 1 UDP 2015363327 192.0.2.10 40000 typ host", "0", 0)));
    }

    [Fact]
    public void IceComponentStateChanged_reads_numbers_and_the_state_name()
    {
        var data = Json("""{"componentId":1,"source":"A","state":"CONNECTING","streamId":1,"tags":[],"timestampMillis":"1","type":"IceComponentStateChanged"}""");

        IceComponentStateChanged.Parse(data).Should().Be(new IceComponentStateChanged(1, 1, IceComponentState.Connecting));
    }

    [Theory]
    [InlineData("DISCONNECTED", IceComponentState.Disconnected)]
    [InlineData("GATHERING", IceComponentState.Gathering)]
    [InlineData("CONNECTED", IceComponentState.Connected)]
    [InlineData("READY", IceComponentState.Ready)]
    [InlineData("FAILED", IceComponentState.Failed)]
    public void Every_ICE_component_state_name_is_understood(string wire, IceComponentState expected)
    {
        var data = Json($$"""{"componentId":"1","state":"{{wire}}","streamId":"2"}""");

        IceComponentStateChanged.Parse(data).Should().Be(new IceComponentStateChanged(2, 1, expected));
    }

    [Fact]
    public void NewCandidatePairSelected_reads_the_pair_whose_streamId_is_a_string()
    {
        var data = Json("""{"candidatePair":{"__module__":"kurento","__type__":"IceCandidatePair","componentId":1,"localCandidate":"candidate:L","remoteCandidate":"candidate:R","streamId":"1"},"source":"A","type":"NewCandidatePairSelected"}""");

        NewCandidatePairSelected.Parse(data).Should().Be(new NewCandidatePairSelected("candidate:L", "candidate:R"));
    }

    [Theory]
    [InlineData("FLOWING", "VIDEO", MediaFlowState.Flowing, MediaType.Video)]
    [InlineData("NOT_FLOWING", "AUDIO", MediaFlowState.NotFlowing, MediaType.Audio)]
    [InlineData("FLOWING", "DATA", MediaFlowState.Flowing, MediaType.Data)]
    public void Media_flow_events_read_state_and_media_type(string state, string mediaType, MediaFlowState expectedState, MediaType expectedType)
    {
        var data = Json($$"""{"mediaType":"{{mediaType}}","padName":"default","source":"A","state":"{{state}}","tags":[],"timestampMillis":"1","type":"MediaFlowInStateChanged"}""");

        MediaFlowInStateChanged.Parse(data).Should().Be(new MediaFlowInStateChanged(expectedState, expectedType, "default"));
        MediaFlowOutStateChanged.Parse(data).Should().Be(new MediaFlowOutStateChanged(expectedState, expectedType, "default"));
    }

    [Fact]
    public void The_Error_event_reads_its_own_type_field_as_the_error_kind()
    {
        var data = Json("""{"description":"Pipeline error","errorCode":2,"type":"UNEXPECTED_PIPELINE_ERROR","source":"P","tags":[],"timestampMillis":"1"}""");

        MediaErrorOccurred.Parse(data).Should().Be(new MediaErrorOccurred("Pipeline error", 2, "UNEXPECTED_PIPELINE_ERROR"));
    }

    [Fact]
    public void IceGatheringDone_needs_nothing_but_an_object()
    {
        IceGatheringDone.Parse(Json("""{"source":"A","timestamp":"1450000000","type":"OnIceGatheringDone"}""")).Should().Be(new IceGatheringDone());
    }

    [Theory]
    [InlineData("""{"componentId":1,"streamId":1}""")]                               // missing state
    [InlineData("""{"componentId":1,"streamId":1,"state":"SLEEPING"}""")]            // unknown name
    [InlineData("""{"componentId":1,"streamId":1,"state":"3"}""")]                   // a number is not a name
    [InlineData("""{"componentId":1,"streamId":1,"state":7}""")]
    [InlineData("""{"componentId":"one","streamId":1,"state":"READY"}""")]
    [InlineData("""{"componentId":1.5,"streamId":1,"state":"READY"}""")]
    [InlineData("""[]""")]
    [InlineData("""null""")]
    public void Malformed_data_is_a_FormatException(string json)
    {
        var parsing = () => IceComponentStateChanged.Parse(Json(json));

        parsing.Should().Throw<FormatException>();
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"candidate":"candidate:1"}""")]
    [InlineData("""{"candidate":{"candidate":"c","sdpMid":0,"sdpMLineIndex":0}}""")]
    public void A_malformed_candidate_is_a_FormatException(string json)
    {
        var parsing = () => IceCandidateFound.Parse(Json(json));

        parsing.Should().Throw<FormatException>();
    }

    [Fact]
    public void Event_names_cover_Kurento_6_and_7()
    {
        IceCandidateFound.LegacyEventType.Should().Be("OnIceCandidate");
        IceComponentStateChanged.LegacyEventType.Should().Be("OnIceComponentStateChanged");
        MediaFlowInStateChanged.LegacyEventType.Should().Be("MediaFlowInStateChange");
        MediaErrorOccurred.EventType.Should().Be("Error");
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
