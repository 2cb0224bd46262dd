namespace One2One.Server.Auth;

/// <summary>How the signaling hub knows who is connecting (<c>Auth:Mode</c>).</summary>
public enum AuthMode
{
    /// <summary>Anyone may connect and register any free name (the Kurento tutorial's behaviour).</summary>
    None,

    /// <summary>The hub requires a JWT bearer token, and a connection may register only the name the token carries.</summary>
    Jwt,
}
