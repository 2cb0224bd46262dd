using System.Text.Json;

namespace One2One.Kurento.Internal;

/// <summary>An <c>onEvent</c> notification: <c>params.value.object</c>, <c>.type</c> and a copy of <c>.data</c>.</summary>
internal readonly record struct KurentoEventMessage(string ObjectId, string EventType, JsonElement Data);
