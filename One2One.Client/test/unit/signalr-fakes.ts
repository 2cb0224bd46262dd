// A hub server behind SignalR's own seams (connectionOptions' httpClient and WebSocket), so a One2OneClient's tests run
// the real @microsoft/signalr HubConnection: negotiate over a fake HttpClient, then a fake WebSocket that answers the
// handshake and the hub's invocations as the test says (JSON hub protocol, records ending in \u001e).

import assert from "node:assert/strict";
import { HttpClient, HttpError, type HttpRequest, HttpResponse, HttpTransportType, type IHttpConnectionOptions, LogLevel } from "@microsoft/signalr";
import { One2OneClient, type One2OneClientOptions } from "../../src/signaling.js";

const recordSeparator = "\u001e";

/** A hub invocation the client sent: its target (hub method), arguments and id (absent for a send). */
export interface Invocation {
  readonly target: string;
  readonly arguments: unknown[];
  readonly invocationId?: string;
}

/** What the server does with an invocation: complete it (with a result), or never answer (a half-open connection). */
export type InvocationAnswer = { readonly result?: unknown } | "never";

export class FakeServer {
  /** With sign-in (Auth:Mode=Jwt): negotiate answers 401 unless its bearer token is one of `accepted`. */
  signIn = true;
  readonly accepted = new Set<string>();
  /** Whether the network is there: negotiate fails as a browser's fetch does offline when it is not. */
  online = true;
  /** An HTTP status negotiate answers with instead (a 429 for the server's connection quota, say), and its body. */
  refusal: { readonly status: number; readonly body: string } | null = null;
  /** Negotiate waits for this before it answers (a slow network: the connection is still starting meanwhile). */
  negotiateWaitsFor: Promise<void> | null = null;
  /** The Authorization header of each negotiate, in order. */
  readonly negotiations: string[] = [];
  readonly sockets: FakeSocket[] = [];
  /** Every invocation the client sent, in order. */
  readonly invocations: Invocation[] = [];
  /** How the server answers each invocation: completes it at once by default (GetIceServers: with no ICE servers). */
  answer: (invocation: Invocation, socket: FakeSocket) => InvocationAnswer = (invocation) =>
    invocation.target === "GetIceServers" ? { result: { iceServers: [], iceTransportPolicy: "all" } } : {};

  readonly httpClient = new (class extends HttpClient {
    constructor(private readonly server: FakeServer) {
      super();
    }
    send(request: HttpRequest): Promise<HttpResponse> {
      const authorization = String(request.headers?.["Authorization"] ?? "");
      this.server.negotiations.push(authorization);
      const wait = this.server.negotiateWaitsFor;
      return wait === null ? this.negotiate(authorization) : wait.then(() => this.negotiate(authorization));
    }
    private negotiate(authorization: string): Promise<HttpResponse> {
      const server = this.server;
      if (!server.online) {
        return Promise.reject(new Error("Failed to fetch"));
      }
      if (server.refusal !== null) {
        // As @microsoft/signalr's fetch client rejects a response that is not a success: the body as its message.
        return Promise.reject(new HttpError(server.refusal.body, server.refusal.status));
      }
      if (server.signIn && !server.accepted.has(authorization.replace(/^Bearer /, ""))) {
        return Promise.reject(new HttpError("Unauthorized", 401));
      }
      const negotiation = {
        negotiateVersion: 1,
        connectionId: `c${server.negotiations.length}`,
        connectionToken: `t${server.negotiations.length}`,
        availableTransports: [{ transport: "WebSockets", transferFormats: ["Text", "Binary"] }],
      };
      return Promise.resolve(new HttpResponse(200, "OK", JSON.stringify(negotiation)));
    }
  })(this);

  readonly WebSocket = (() => {
    const server = this;
    return class extends FakeSocket {
      constructor(url: string) {
        super(url, server);
        server.sockets.push(this);
      }
    };
  })();

  /**
   * Accepts each Register and Resume (while `accepting` says so), with a new resume token each time ("token-1", …): the
   * answer comes after the invocation completed, as the server's outbox sends it.
   */
  acceptRegistrations(accepting: () => boolean = () => true): void {
    let tokens = 0;
    const answer = this.answer;
    this.answer = (invocation, socket) => {
      if ((invocation.target === "Register" || invocation.target === "Resume") && accepting()) {
        const resumeToken = `token-${++tokens}`;
        setTimeout(() => socket.push("registerResponse", { response: "accepted", resumeToken }), 0);
      }
      return answer(invocation, socket);
    };
  }

  /** A client of this server; `options` on top (a reconnect policy, a token factory). */
  client(options: One2OneClientOptions = {}): One2OneClient {
    // WebSocket is a withUrl option SignalR reads (a WebSocket of your own, for Node) but does not declare.
    const connectionOptions: IHttpConnectionOptions = Object.assign({ httpClient: this.httpClient, transport: HttpTransportType.WebSockets }, { WebSocket: this.WebSocket });
    return new One2OneClient({ url: "http://one2one.test/one2one", logger: LogLevel.None, connectionOptions, ...options });
  }

  get lastSocket(): FakeSocket {
    const socket = this.sockets.at(-1);
    assert.ok(socket !== undefined, "a WebSocket was opened");
    return socket;
  }

  /** The hub methods invoked so far, in order. */
  get invoked(): string[] {
    return this.invocations.map((invocation) => invocation.target);
  }
}

/** Just enough of a WebSocket for SignalR's WebSocket transport: it opens, answers the handshake and invocations, and can drop. */
export class FakeSocket {
  static readonly OPEN = 1;
  readyState = 1;
  binaryType = "blob";
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(
    readonly url: string,
    private readonly server?: FakeServer,
  ) {
    setTimeout(() => this.onopen?.({}), 0);
  }

  send(data: string): void {
    for (const record of data.split(recordSeparator).filter((text) => text !== "")) {
      const message = JSON.parse(record) as { protocol?: string; type?: number } & Invocation;
      if (message.protocol !== undefined) {
        setTimeout(() => this.receive({}), 0);
      } else if (message.type === 1 && this.server !== undefined) {
        const invocation: Invocation = { target: message.target, arguments: message.arguments, ...(message.invocationId === undefined ? {} : { invocationId: message.invocationId }) };
        this.server.invocations.push(invocation);
        const answer = this.server.answer(invocation, this);
        if (answer !== "never" && invocation.invocationId !== undefined) {
          this.receive({ type: 3, invocationId: invocation.invocationId, ...("result" in answer ? { result: answer.result } : {}) });
        }
      }
    }
  }

  /** The server calls one of the client's callbacks (registerResponse, incomingCall, …). */
  push(target: string, argument: unknown): void {
    this.receive({ type: 1, target, arguments: [argument] });
  }

  close(): void {
    this.readyState = 3;
  }

  /** The network under it goes away (a Wi-Fi to mobile change). */
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, wasClean: false, reason: "" });
  }

  private receive(message: object): void {
    if (this.readyState === 1) {
      this.onmessage?.({ data: JSON.stringify(message) + recordSeparator });
    }
  }
}
