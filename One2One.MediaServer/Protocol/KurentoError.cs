namespace One2One.MediaServer.Protocol;

/// <summary>
/// Error codes a Kurento Media Server returns (KurentoException.hpp, JsonRpcException.hpp); the reply's
/// <c>error.data.type</c> is the constant's KMS macro name, given by <see cref="KurentoErrors.TypeOf"/>.
/// </summary>
internal enum KurentoErrorCode
{
    ParseError = -32700,
    InvalidRequest = -32600,
    MethodNotFound = -32601,
    InvalidParams = -32602,
    InternalError = -32603,
    MarshallError = 40001,
    UnexpectedError = 40003,
    ConnectError = 40004,
    UnsupportedMediaType = 40005,
    NotImplemented = 40006,
    InvalidSession = 40007,
    MalformedTransaction = 40008,
    NotEnoughResources = 40009,
    MediaObjectTypeNotFound = 40100,
    MediaObjectNotFound = 40101,
    MediaObjectConstructorNotFound = 40104,
    MediaObjectMethodNotFound = 40105,
    MediaObjectEventNotSupported = 40106,
    MediaObjectIllegalParamError = 40107,
    MediaObjectNotAvailable = 40108,
    MediaObjectTagKeyNotFound = 40110,
    MediaObjectOperationNotSupported = 40111,
    SdpCreateError = 40200,
    SdpParseError = 40201,
    SdpEndPointNoLocalSdp = 40202,
    SdpEndPointNoRemoteSdp = 40203,
    SdpEndPointProcessOffer = 40205,
    SdpEndPointAlreadyNegotiated = 40208,
    SdpEndPointCannotCreateSession = 40211,
    IceGatherCandidatesError = 40400,
    IceAddCandidateError = 40401,
}

internal static class KurentoErrors
{
    public static string TypeOf(KurentoErrorCode code) => code switch
    {
        KurentoErrorCode.ParseError => "PARSE_ERROR",
        KurentoErrorCode.InvalidRequest => "INVALID_REQUEST",
        KurentoErrorCode.MethodNotFound => "METHOD_NOT_FOUND",
        KurentoErrorCode.InvalidParams => "INVALID_PARAMS",
        KurentoErrorCode.InternalError => "INTERNAL_ERROR",
        KurentoErrorCode.MarshallError => "MARSHALL_ERROR",
        KurentoErrorCode.UnexpectedError => "UNEXPECTED_ERROR",
        KurentoErrorCode.ConnectError => "CONNECT_ERROR",
        KurentoErrorCode.UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
        KurentoErrorCode.NotImplemented => "NOT_IMPLEMENTED",
        KurentoErrorCode.InvalidSession => "INVALID_SESSION",
        KurentoErrorCode.MalformedTransaction => "MALFORMED_TRANSACTION",
        KurentoErrorCode.NotEnoughResources => "NOT_ENOUGH_RESOURCES",
        KurentoErrorCode.MediaObjectTypeNotFound => "MEDIA_OBJECT_TYPE_NOT_FOUND",
        KurentoErrorCode.MediaObjectNotFound => "MEDIA_OBJECT_NOT_FOUND",
        KurentoErrorCode.MediaObjectConstructorNotFound => "MEDIA_OBJECT_CONSTRUCTOR_NOT_FOUND",
        KurentoErrorCode.MediaObjectMethodNotFound => "MEDIA_OBJECT_METHOD_NOT_FOUND",
        KurentoErrorCode.MediaObjectEventNotSupported => "MEDIA_OBJECT_EVENT_NOT_SUPPORTED",
        KurentoErrorCode.MediaObjectIllegalParamError => "MEDIA_OBJECT_ILLEGAL_PARAM_ERROR",
        KurentoErrorCode.MediaObjectNotAvailable => "MEDIA_OBJECT_NOT_AVAILABLE",
        KurentoErrorCode.MediaObjectTagKeyNotFound => "MEDIA_OBJECT_TAG_KEY_NOT_FOUND",
        KurentoErrorCode.MediaObjectOperationNotSupported => "MEDIA_OBJECT_OPERATION_NOT_SUPPORTED",
        KurentoErrorCode.SdpCreateError => "SDP_CREATE_ERROR",
        KurentoErrorCode.SdpParseError => "SDP_PARSE_ERROR",
        KurentoErrorCode.SdpEndPointNoLocalSdp => "SDP_END_POINT_NO_LOCAL_SDP_ERROR",
        KurentoErrorCode.SdpEndPointNoRemoteSdp => "SDP_END_POINT_NO_REMOTE_SDP_PROCESSED",
        KurentoErrorCode.SdpEndPointProcessOffer => "SDP_END_POINT_PROCESS_OFFER_ERROR",
        KurentoErrorCode.SdpEndPointAlreadyNegotiated => "SDP_END_POINT_ALREADY_NEGOTIATED",
        KurentoErrorCode.SdpEndPointCannotCreateSession => "SDP_END_POINT_CANNOT_CREATE_SESSON",
        KurentoErrorCode.IceGatherCandidatesError => "ICE_GATHER_CANDIDATES_ERROR",
        KurentoErrorCode.IceAddCandidateError => "ICE_ADD_CANDIDATE_ERROR",
        _ => "UNEXPECTED_ERROR",
    };

    // The errors raised in more than one place, with KMS's wording where clients may match on it.

    public static KurentoErrorException ObjectNotFound(string id) =>
        new(KurentoErrorCode.MediaObjectNotFound, $"Object '{id}' not found");

    public static KurentoErrorException InvalidParams(string message) =>
        new(KurentoErrorCode.InvalidParams, message);

    public static KurentoErrorException IllegalParam(string message) =>
        new(KurentoErrorCode.MediaObjectIllegalParamError, message);

    public static KurentoErrorException NotEnoughResources(string message) =>
        new(KurentoErrorCode.NotEnoughResources, message);
}

/// <summary>Thrown anywhere below the protocol layer; the dispatcher turns it into a JSON-RPC error reply.</summary>
internal sealed class KurentoErrorException(KurentoErrorCode code, string message) : Exception(message)
{
    public KurentoErrorCode Code { get; } = code;
}
