using System.Text.Json.Nodes;
using One2One.Kurento.Internal;

namespace One2One.Kurento;

/// <summary>A Kurento MediaPipeline: the container of a call's media elements.</summary>
public sealed class MediaPipeline : MediaObject
{
    // Ids of the elements created (or held) through this pipeline and not released on their own since, whose event routes
    // go when the pipeline is released; guarded by itself. A call that renegotiates on KMS replaces an endpoint each time.
    private readonly List<string> _children = [];

    internal MediaPipeline(IKurentoRpc rpc, string id) : base(rpc, id)
    {
    }

    public async Task<WebRtcEndpoint> CreateWebRtcEndpointAsync(CancellationToken cancellationToken = default)
    {
        var parameters = new JsonObject
        {
            ["type"] = "WebRtcEndpoint",
            ["constructorParams"] = new JsonObject { ["mediaPipeline"] = Id },
            ["properties"] = new JsonObject(),
        };
        var result = await Rpc.RequestAsync("create", parameters, cancellationToken);
        string id = KurentoReply.GetString(result, "create WebRtcEndpoint");
        lock (_children)
        {
            _children.Add(id);
        }

        return new WebRtcEndpoint(Rpc, id, this);
    }

    /// <summary>
    /// Takes a hold on an endpoint of this pipeline that another session made (Kurento <c>ref</c>; see
    /// <see cref="IKurentoClient.HoldMediaPipelineAsync"/>): subscribe to its events again, they went to the other session.
    /// </summary>
    public async Task<WebRtcEndpoint> HoldWebRtcEndpointAsync(string endpointId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpointId);
        await Rpc.RequestAsync("ref", new JsonObject { ["object"] = endpointId }, cancellationToken);
        lock (_children)
        {
            _children.Add(endpointId);
        }

        return new WebRtcEndpoint(Rpc, endpointId, this);
    }

    /// <summary>Elements of this pipeline not released on their own (tests).</summary>
    internal int ChildCount
    {
        get
        {
            lock (_children)
            {
                return _children.Count;
            }
        }
    }

    /// <summary>An element of this pipeline was released on its own: the pipeline's release need not forget its routes.</summary>
    internal void ForgetChild(string id)
    {
        lock (_children)
        {
            _children.Remove(id);
        }
    }

    private protected override IReadOnlyCollection<string> ReleasedObjectIds()
    {
        lock (_children)
        {
            return [Id, .. _children];
        }
    }
}
