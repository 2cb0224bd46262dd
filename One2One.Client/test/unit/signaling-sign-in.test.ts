import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HttpClient, HttpError, type HttpRequest, HttpResponse, HttpTransportType, type IHttpConnectionOptions, LogLevel } from "@microsoft/signalr";
import { ConnectionError } from "../../src/errors.js";
import { One2OneClient } from "../../src/signaling.js";

/**
 * A hub server with Auth:Mode=Jwt behind SignalR's own seams (connectionOptions' httpClient and WebSocket): negotiate
 * answers 401 unless its bearer token is one of `accepted`, and each WebSocket opens and answers the handshake.
 */
class FakeServer {
  readonly accepted = new Set<string>();
  /** The Authorization header of each negotiate, in order. */
  readonly negotiations: string[] = [];
  readonly sockets: FakeSocket[] = [];

  readonly httpClient = new (class extends HttpClient {
    constructor(private readonly server: FakeServer) {
      super();
    }
    send(request: HttpRequest): Promise<HttpResponse> {
      const authorization = String(request.headers?.["Authorization"] ?? "");
      this.server.negotiations.push(authorization);
      if (!this.server.accepted.has(authorization.replace(/^Bearer /, ""))) {
        // As @microsoft/signalr's fetch client rejects a response that is not a success.
        return Promise.reject(new HttpError("Unauthorized", 401));
      }
      const negotiation = {
        negotiateVersion: 1,
        connectionId: `c${this.server.negotiations.length}`,
        connectionToken: `t${this.server.negotiations.length}`,
        availableTransports: [{ transport: "WebSockets", transferFormats: ["Text", "Binary"] }],
      };
      return Promise.resolve(new HttpResponse(200, "OK", JSON.stringify(negotiation)));
    }
  })(this);

  readonly WebSocket = (() => {
    const server = this;
    return class extends FakeSocket {
      constructor(url: string) {
        super(url);
        server.sockets.push(this);
      }
    };
  })();

  /** A client of this server, with a reconnect policy that tries once, at once. */
  client(accessTokenFactory: () => string | Promise<string>): One2OneClient {
    // WebSocket is a withUrl option SignalR reads (a WebSocket of your own, for Node) but does not declare.
    const connectionOptions: IHttpConnectionOptions = Object.assign({ httpClient: this.httpClient, transport: HttpTransportType.WebSockets }, { WebSocket: this.WebSocket });
    return new One2OneClient({ url: "http://one2one.test/one2one", accessTokenFactory, reconnectPolicy: [0], logger: LogLevel.None, connectionOptions });
  }

  get lastSocket(): FakeSocket {
    const socket = this.sockets.at(-1);
    assert.ok(socket !== undefined, "a WebSocket was opened");
    return socket;
  }
}

/** Just enough of a WebSocket for SignalR's WebSocket transport: it opens, answers the handshake, and can drop. */
class FakeSocket {
  static readonly OPEN = 1;
  readyState = 1;
  binaryType = "blob";
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {
    setTimeout(() => this.onopen?.({}), 0);
  }

  send(data: string): void {
    if (data.includes('"protocol"')) {
      setTimeout(() => this.onmessage?.({ data: "{}\u001e" }), 0);
    }
  }

  close(): void {
    this.readyState = 3;
  }

  /** The network under it goes away (a Wi-Fi to mobile change). */
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, wasClean: false, reason: "" });
  }
}

const once = (client: One2OneClient, event: "reconnected" | "close"): Promise<void> =>
  new Promise((resolve) => client.on(event, () => resolve()));

describe("One2OneClient's sign-in (Auth:Mode=Jwt)", () => {
  it("asks the access-token factory again for every connection attempt, the automatic reconnect's included", async () => {
    const server = new FakeServer();
    let current = "token-1";
    let asked = 0;
    server.accepted.add("token-1").add("token-2");
    // A refreshing token source, as an identity provider's: a promise, resolved with the latest token.
    const client = server.client(() => {
      asked++;
      return Promise.resolve(current);
    });

    await client.connect();
    assert.deepEqual(server.negotiations, ["Bearer token-1"]);
    const askedForFirst = asked;
    assert.ok(askedForFirst >= 1);

    // The first token expired and the identity provider gave a new one; then the network changed.
    current = "token-2";
    server.accepted.delete("token-1");
    const reconnected = once(client, "reconnected");
    server.lastSocket.drop();
    await reconnected;

    assert.deepEqual(server.negotiations, ["Bearer token-1", "Bearer token-2"], "the reconnect signs in with the fresh token");
    assert.ok(asked > askedForFirst);
    await client.dropConnection();
  });

  it("a token the server refuses on reconnecting closes the connection, and connecting again rejects as unauthorized", async () => {
    const server = new FakeServer();
    let current = "token-1";
    server.accepted.add("token-1");
    // One fixed token at a time, as a page opened with ?token= has.
    const client = server.client(() => current);
    await client.connect();

    current = "expired";
    server.accepted.delete("token-1");
    const closed = once(client, "close");
    server.lastSocket.drop();
    await closed;
    await assert.rejects(client.connect(), (error: unknown) => error instanceof ConnectionError && error.reason === "unauthorized");

    assert.deepEqual(server.negotiations, ["Bearer token-1", "Bearer expired", "Bearer expired"], "the reconnect's try, then connect()'s");
    assert.equal(server.sockets.length, 1, "no connection is made with a refused token");
  });
});
