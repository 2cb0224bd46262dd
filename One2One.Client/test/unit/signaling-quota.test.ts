import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectionError } from "../../src/errors.js";
import { Softphone } from "../../src/softphone.js";
import { FakeServer } from "./signalr-fakes.js";
import { until } from "./softphone-fakes.js";

const why = "Too many connections are open from your network address (at most 100); close one and try again.";

/** A server whose connection quota (Limits:ConnectionsPerAddress) is full: negotiate answers 429, "rate-limited: …". */
function fullServer(): FakeServer {
  const server = new FakeServer();
  server.signIn = false;
  server.refusal = { status: 429, body: `rate-limited: ${why}` };
  return server;
}

describe("A connection refused by the server's connection quota (HTTP 429)", () => {
  it("rejects connect() as rate-limited, with the server's words", async () => {
    const client = fullServer().client();

    await assert.rejects(client.connect(), (error: unknown) => {
      assert.ok(error instanceof ConnectionError);
      assert.equal(error.reason, "rate-limited");
      assert.equal(error.message, `The server refused the connection: ${why}`);
      return true;
    });
  });

  it("is not asked again by a Softphone's resume (each try would count against the quota), and the person is told why", async () => {
    const server = fullServer();
    const phone = new Softphone(server.client(), { resumeRetryDelaysMs: [0, 0, 0] });
    const notices: string[] = [];
    phone.on("notice", (notice) => notices.push(notice.text));

    phone.resume("alice", "token-1");
    await until(() => phone.state === "idle");

    assert.equal(phone.state, "idle");
    assert.equal(server.negotiations.length, 1);
    assert.deepEqual(notices, [`The server refused the connection: ${why}`]);
  });
});
