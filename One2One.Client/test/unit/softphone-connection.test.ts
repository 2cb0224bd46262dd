import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { ConnectionError, RefusedError, RejectedError } from "../../src/errors.js";
import { Softphone } from "../../src/softphone.js";
import { callAnswered, FakeClient, FakePeerConnection, noTracks, phoneInCall, registeredPhone, settle, until } from "./softphone-fakes.js";

describe("Softphone and its signaling connection", () => {
  it("shows and keeps the name as the server registered it, not as it was typed", async () => {
    const client = new FakeClient();
    client.registeredAs = (typed) => typed.normalize("NFKC").trim();
    const phone = new Softphone(client.asClient, {});

    phone.register(" \uFF41lice ");
    await settle();

    assert.equal(phone.state, "registered");
    assert.equal(phone.current.user, "alice", "others see alice: the page must not show a name no one else sees");
  });

  it("says which refusals are about the name, so a page can mark its field", async () => {
    for (const [reason, about] of [["name-taken", "name"], ["invalid-name", "name"], ["rate-limited", undefined]] as const) {
      const client = new FakeClient();
      client.registerOutcome = () => Promise.reject(new RejectedError(reason, reason, `refused: ${reason}`));
      const phone = new Softphone(client.asClient, {});
      const notices: { about?: string }[] = [];
      phone.on("notice", (notice) => notices.push(notice));

      phone.register("alice");
      await settle();

      assert.equal(notices.length, 1, reason);
      assert.equal(notices[0]?.about, about, reason);
    }
  });

  it("takes the registered name from a resume too, and the typed one from a server that does not say", async () => {
    const client = new FakeClient();
    client.registeredAs = (typed) => typed.normalize("NFKC");
    const phone = new Softphone(client.asClient, {});

    phone.resume("\uFF41lice", "token-0");
    await settle();
    assert.equal(phone.current.user, "alice");

    const older = await registeredPhone("Bob  ");
    assert.equal(older.phone.current.user, "Bob  ");
  });

  it("resumes at once with its token when the connection was lost", async () => {
    const { client, phone } = await registeredPhone();

    client.emit("close", undefined, false);
    await settle();

    assert.deepEqual(client.resumed, [{ name: "alice", token: "token-1" }]);
    assert.equal(phone.state, "registered");
  });

  it("does not come back at once to a server that closed the connection for a limit, and says why", async () => {
    const { client, phone, notices } = await registeredPhone();

    client.emit(
      "close",
      new Error("Server returned an error on close: Connection closed with an error. HubException: rate-limited: Too many connections are open from your network address (at most 100); close one and try again."),
      false,
    );
    await settle();

    assert.deepEqual(client.resumed, [], "a connection opened again at once would be refused again");
    assert.equal(phone.state, "idle");
    assert.deepEqual(notices, ["The server refused the connection: Too many connections are open from your network address (at most 100); close one and try again."]);
  });

  it("does not come back when the app itself disconnected (the registration was given up)", async () => {
    const { client, phone, notices } = await registeredPhone();

    client.emit("close", undefined, true);
    await settle();

    assert.deepEqual(client.resumed, []);
    assert.deepEqual(client.registered, ["alice"]);
    assert.equal(phone.state, "idle");
    assert.deepEqual(notices, [], "leaving is no error");
  });

  it("waits for SignalR's automatic reconnect before resuming, then resumes on the new connection", async () => {
    const { client, phone } = await registeredPhone();

    client.emit("reconnecting", new Error("network"));
    await settle();
    assert.deepEqual(client.resumed, [], "nothing is sent while SignalR has no connection");
    assert.equal(phone.state, "registering", "shown as coming back");

    client.emit("reconnected");
    await settle();
    assert.deepEqual(client.resumed, [{ name: "alice", token: "token-1" }]);
    assert.equal(phone.state, "registered");
  });

  it("resumes on a new connection when SignalR's automatic reconnect gives up", async () => {
    const { client, phone } = await registeredPhone();

    client.emit("reconnecting", new Error("network"));
    client.emit("close", new Error("gave up"), false);
    await settle();

    assert.deepEqual(client.resumed, [{ name: "alice", token: "token-1" }]);
    assert.equal(phone.state, "registered");
  });

  it("registers the name afresh when the server no longer holds the registration (restarted, another node)", async () => {
    const { client, phone, notices } = await registeredPhone();
    client.resumeOutcome = () => Promise.reject(new RejectedError("expired", "resume-expired", "The call can no longer be resumed"));

    client.emit("close", undefined, false);
    await settle();
    await settle();

    assert.deepEqual(client.registered, ["alice", "alice"]);
    assert.equal(phone.state, "registered");
    assert.deepEqual(notices, [], "an idle page that registers again has nothing to tell");
  });

  it("asks again while the server that held the registration is out of reach, then resumes (a node dying)", async () => {
    const client = new FakeClient();
    const phone = new Softphone(client.asClient, { resumeRetryDelaysMs: [0, 0, 0] });
    let refusals = 2;
    client.resumeOutcome = () =>
      refusals-- > 0
        ? Promise.reject(new RejectedError("unavailable", "unavailable", "The server that held your registration cannot be reached right now"))
        : Promise.resolve({ ice: null, resumedCallWith: null });

    phone.resume("alice", "token-1");
    await until(() => client.resumed.length >= 3 && phone.state === "registered");
    await settle();

    assert.equal(client.resumed.length, 3, "two refusals, then the resume that worked");
    assert.ok(client.resumed.every((r) => r.token === "token-1"), "the same token each time: a refused resume uses nothing up");
    assert.deepEqual(client.registered, [], "never registered afresh: the registration was kept");
    assert.equal(phone.state, "registered");
  });

  it("asks again when it cannot reach the server for a moment (offline), keeping the call's media, then resumes the call", async () => {
    const { client, phone, opened } = await phoneInCall([10, 10]);
    let failures = 2;
    client.resumeOutcome = () =>
      failures-- > 0
        ? Promise.reject(new ConnectionError("Could not reach the server.", "unreachable"))
        : Promise.resolve({ ice: null, resumedCallWith: "bob" });

    client.emit("close", undefined, false);
    await until(() => client.resumed.length >= 3 && phone.state === "connecting");
    await settle();

    assert.equal(client.resumed.length, 3, "two attempts that could not connect, then the resume");
    assert.deepEqual(client.registered, ["alice"], "never registered afresh");
    assert.equal(client.renegotiations.length, 1, "the resumed call offers on its held connection");
    assert.equal(opened(), 1, "the camera opened for the call is the one resumed: nothing was dropped");
  });

  it("goes on asking past its list for as long as no server can be reached (offline for minutes), says so once, then resumes", async () => {
    const client = new FakeClient();
    const phone = new Softphone(client.asClient, { resumeRetryDelaysMs: [0, 0, 0] });
    const notices: string[] = [];
    phone.on("notice", (notice) => notices.push(`${notice.kind}: ${notice.text}`));
    let failures = 6;
    client.resumeOutcome = () =>
      failures-- > 0 ? Promise.reject(new ConnectionError("Could not reach the server.", "unreachable")) : Promise.resolve({ ice: null, resumedCallWith: null });

    phone.resume("alice", "token-1");
    await until(() => client.resumed.length >= 7 && phone.state === "registered", setTimeout, 10_000);
    await settle();

    assert.equal(client.resumed.length, 7, "six tries that reached no server, twice its three delays, then the resume");
    assert.deepEqual(client.registered, [], "the registration was kept: never registered afresh");
    assert.deepEqual(notices, ["error: The server cannot be reached. This page keeps trying and comes back by itself; sign out to stop."]);
  });

  it("counts only the server's unavailable answers towards registering afresh, not the tries that reached no server", async () => {
    // A node dying while this page was offline: the take-over the list waits for begins only once the page is back.
    const client = new FakeClient();
    const phone = new Softphone(client.asClient, { resumeRetryDelaysMs: [0, 0] });
    let failures = 3;
    client.resumeOutcome = () =>
      failures-- > 0
        ? Promise.reject(new ConnectionError("Could not reach the server.", "unreachable"))
        : Promise.reject(new RejectedError("unavailable", "unavailable", "The server that held your registration cannot be reached right now"));

    phone.resume("alice", "token-1");
    await until(() => client.registered.length > 0 && phone.state === "registered", setTimeout, 10_000);
    await settle();

    assert.equal(client.resumed.length, 6, "three tries that reached no server, then three unavailable answers: its two delays' worth and one more");
    assert.deepEqual(client.registered, ["alice"]);
  });

  it("offers a resumed call again while the server answers unavailable (the call still moving to another server), then goes on", async () => {
    const { client, phone } = await phoneInCall([10, 10]);
    let refusals = 2;
    client.renegotiateOutcome = () =>
      refusals-- > 0 ? Promise.reject(new RefusedError("The server your call lives on cannot be reached right now.", "unavailable")) : Promise.resolve();
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });

    client.emit("close", undefined, false);
    await until(() => client.renegotiations.length >= 3);
    await settle();

    assert.equal(phone.state, "connecting", "still in the call");
    assert.equal(client.stops, 0, "the call the server holds is not ended");
    FakePeerConnection.last?.connect();
    assert.equal(phone.state, "in-call");
  });

  it("ends a resumed call whose offer is refused for another reason (the call is gone), telling the server", async () => {
    const { client, phone } = await phoneInCall([10, 10]);
    client.renegotiateOutcome = () => Promise.reject(new RefusedError("No call to renegotiate.", "no-call"));
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });

    client.emit("close", undefined, false);
    await until(() => phone.state === "registered");
    await settle();

    assert.equal(client.renegotiations.length, 1);
    assert.equal(client.stops, 1, "the server, which held the call, is told it ended");
  });

  it("gives up a resume the server turns away for good (unauthorized) without asking again", async () => {
    const client = new FakeClient();
    const phone = new Softphone(client.asClient, { resumeRetryDelaysMs: [0, 0] });
    client.resumeOutcome = () => Promise.reject(new ConnectionError("Sign in again.", "unauthorized"));

    phone.resume("alice", "token-1", true);
    await until(() => phone.state === "idle");
    await settle();

    assert.equal(client.resumed.length, 1);
  });

  it("says the sign-in expired when the server refuses the token on coming back (a reload, a reconnect after it expired)", async () => {
    for (const wasInCall of [true, false]) {
      const client = new FakeClient();
      const phone = new Softphone(client.asClient, { resumeRetryDelaysMs: [0] });
      const notices: string[] = [];
      phone.on("notice", (notice) => notices.push(`${notice.kind}: ${notice.text}`));
      client.resumeOutcome = () => Promise.reject(new ConnectionError("The server requires sign-in…", "unauthorized"));

      phone.resume("alice", "token-1", wasInCall);
      await until(() => phone.state === "idle");

      assert.deepEqual(notices, [
        wasInCall
          ? "error: Your sign-in has expired, and the call could not be kept. Sign in again to make or take calls."
          : "error: Your sign-in has expired. Sign in again to make or take calls.",
      ]);
    }
  });

  it("stops asking after its last delay and registers the name afresh, telling a page that was in a call", async () => {
    const client = new FakeClient();
    const phone = new Softphone(client.asClient, { resumeRetryDelaysMs: [0] });
    const notices: string[] = [];
    phone.on("notice", (notice) => notices.push(notice.text));
    client.resumeOutcome = () => Promise.reject(new RejectedError("unavailable", "unavailable", "The server that held your registration cannot be reached right now"));

    phone.resume("alice", "token-1", true);
    await until(() => client.registered.length > 0 && phone.state === "registered");
    await settle();

    assert.equal(client.resumed.length, 2, "asked once, then once more after its one delay");
    assert.deepEqual(client.registered, ["alice"]);
    assert.equal(phone.state, "registered");
    assert.deepEqual(notices, ["The call ended while this page was away. You are registered again."]);
  });

  it("asks ten times over a minute and a half by default before it registers afresh", async () => {
    const client = new FakeClient();
    await withTimeoutsRecorded(async (delays, realSetTimeout) => {
      const phone = new Softphone(client.asClient);
      client.resumeOutcome = () => Promise.reject(new RejectedError("unavailable", "unavailable", "not yet"));

      phone.resume("alice", "token-1");
      await until(() => client.registered.length > 0, realSetTimeout);
      await settle();

      assert.equal(client.resumed.length, 11);
      assert.equal(delays.filter((ms) => ms >= 1000).reduce((sum, ms) => sum + ms, 0), 90_000);
      assert.deepEqual(client.registered, ["alice"]);
    });
  });

  it("offline past its list, waits about its last delay each time, not in step with every other page cut off with it", async () => {
    const client = new FakeClient();
    await withTimeoutsRecorded(async (delays, realSetTimeout) => {
      const phone = new Softphone(client.asClient, { resumeRetryDelaysMs: [1000, 15_000] });
      let failures = 30;
      client.resumeOutcome = () =>
        failures-- > 0 ? Promise.reject(new ConnectionError("Could not reach the server.", "unreachable")) : Promise.resolve({ ice: null, resumedCallWith: null });

      phone.resume("alice", "token-1");
      await until(() => client.resumed.length >= 31 && phone.state === "registered", realSetTimeout);
      await settle();

      const waits = delays.filter((ms) => ms >= 1000);
      assert.equal(waits.length, 30);
      assert.deepEqual(waits.slice(0, 2), [1000, 15_000], "the list first, as it is");
      const repeated = waits.slice(2);
      assert.ok(repeated.every((ms) => ms >= 12_000 && ms <= 18_000), `then the last one give or take a fifth: ${repeated.join(", ")}`);
      assert.ok(new Set(repeated).size > 1, "not the same wait every time");
    });
  });

  it("tells a page that was in a call that the call could not be kept when it registers afresh", async () => {
    const client = new FakeClient();
    const phone = new Softphone(client.asClient);
    const notices: string[] = [];
    phone.on("notice", (notice) => notices.push(notice.text));
    client.resumeOutcome = () => Promise.reject(new RejectedError("expired", "resume-expired", null));

    phone.resume("alice", "token-from-before-the-reload", true);
    await settle();
    await settle();

    assert.deepEqual(client.registered, ["alice"]);
    assert.equal(phone.state, "registered");
    assert.deepEqual(notices, ["The call ended while this page was away. You are registered again."]);
  });

  it("signing out tells the server at once, and a connection lost afterwards brings nothing back", async () => {
    const { client, phone, notices } = await registeredPhone();

    phone.unregister();
    await settle();
    assert.equal(client.unregistered, 1);
    assert.equal(phone.state, "idle");

    client.emit("close", undefined, false);
    await settle();
    assert.deepEqual(client.resumed, [], "the token went with the registration");
    assert.equal(notices.length, 1, "only that the connection was lost");
  });

  it("resumes again when the connection drops while a resume waits to ask again", async () => {
    const client = new FakeClient();
    const phone = new Softphone(client.asClient, { resumeRetryDelaysMs: [30] });
    const notices: string[] = [];
    phone.on("notice", (notice) => notices.push(notice.text));
    await registeredThenResumeWaitsToRetry(client, phone);

    client.emit("reconnecting", new Error("network again"));
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: null });
    client.emit("reconnected");
    await new Promise((resolve) => setTimeout(resolve, 60));

    assert.equal(phone.state, "registered");
    assert.equal(client.resumed.length, 2, "one resume per connection; the first one's retry never fires");
    assert.deepEqual(client.registered, ["alice"]);
    assert.deepEqual(notices, []);
  });

  it("resumes with the token its accepted resume was given when the connection dropped before that resume's answer", async () => {
    const client = new FakeClient();
    const phone = new Softphone(client.asClient, { resumeRetryDelaysMs: [30] });
    phone.register("alice");
    await settle();
    client.resumeOutcome = () => {
      // The server accepts the resume and spends its token (RegisterResponse carries the next), then the connection drops
      // before the invocation's own answer arrives.
      client.emit("registerResponse", { response: "accepted", resumeToken: "token-after-resume" });
      client.emit("reconnecting", new Error("network again"));
      return Promise.reject(new Error("the connection was lost"));
    };
    client.emit("reconnecting", new Error("network"));
    client.emit("reconnected");
    await settle();

    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: null });
    client.emit("reconnected");
    await settle();

    assert.equal(client.resumed.length, 2);
    assert.equal(client.resumed[0]?.token, "token-1", "the token Register gave");
    assert.equal(client.resumed[1]?.token, "token-after-resume", "the first resume's token was spent");
    assert.equal(phone.state, "registered");
  });

  it("sends no resume from a retry that was waiting when the person registered again", async () => {
    const client = new FakeClient();
    const phone = new Softphone(client.asClient, { resumeRetryDelaysMs: [30] });
    await registeredThenResumeWaitsToRetry(client, phone);

    client.emit("close", undefined, true);
    client.registerOutcome = () => new Promise(() => undefined);
    phone.register("alice");
    await new Promise((resolve) => setTimeout(resolve, 60));

    assert.equal(phone.state, "registering");
    assert.equal(client.resumed.length, 1, "the retry's timer belonged to the registration given up");
  });

  it("sends no resume from a retry that was waiting when the person signed out", async () => {
    const client = new FakeClient();
    const phone = new Softphone(client.asClient, { resumeRetryDelaysMs: [30] });
    await registeredThenResumeWaitsToRetry(client, phone);

    phone.unregister();
    assert.equal(phone.state, "idle");
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: null });
    await new Promise((resolve) => setTimeout(resolve, 60));

    assert.equal(phone.state, "idle");
    assert.equal(client.resumed.length, 1, "the retry's timer belonged to the registration signed out of");
  });

  it("gives back a registration the server accepts after the person signed out while it was on its way", async () => {
    for (const how of ["register", "resume"] as const) {
      const client = new FakeClient();
      const phone = new Softphone(client.asClient);
      let accept: () => void = () => undefined;
      if (how === "register") {
        client.registerOutcome = () => new Promise((resolve) => (accept = () => resolve(null)));
        phone.register("alice");
      } else {
        client.resumeOutcome = () => new Promise((resolve) => (accept = () => resolve({ ice: null, resumedCallWith: null })));
        phone.resume("alice", "token-from-before-the-reload");
      }
      await settle();

      phone.unregister();
      assert.equal(phone.state, "idle", how);
      const signedOut = client.unregistered;
      accept();
      await settle();

      assert.equal(phone.state, "idle", how);
      assert.equal(client.unregistered, signedOut + 1, `${how}: the name is not left registered on the open connection`);
    }
  });

  it("shows any other refusal of a resume and stays unregistered", async () => {
    const client = new FakeClient();
    const phone = new Softphone(client.asClient);
    const notices: string[] = [];
    phone.on("notice", (notice) => notices.push(notice.text));
    client.resumeOutcome = () => Promise.reject(new RejectedError("limited", "rate-limited", "Too many registration attempts; try again in 3 s."));

    phone.resume("alice", "t");
    await settle();

    assert.deepEqual(client.registered, []);
    assert.equal(phone.state, "idle");
    assert.equal(notices.length, 1);
  });
});

describe("Softphone's call while the connection is gone", () => {
  afterEach(() => {
    delete (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection;
  });

  it("ends the call the server kept when the Stop was lost with a half-open connection, rather than resuming it", async () => {
    const { client, phone, opened } = await phoneInCall();
    const connections = FakePeerConnection.made;
    client.stopOutcome = () => new Promise(() => undefined);

    phone.hangUp();
    client.emit("reconnecting", new Error("keep-alive timed out"));
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });
    client.emit("reconnected");
    await settle();

    assert.equal(phone.state, "registered");
    assert.equal(client.stops, 2, "the Stop is sent again on the new connection");
    assert.equal(opened(), 1, "the camera is not opened again");
    assert.equal(FakePeerConnection.made, connections, "no new media connection");
    assert.deepEqual(client.renegotiations, []);
  });

  it("lets the person hang up a call held while the connection comes back, and ends it once resumed", async () => {
    const { client, phone, localStreams } = await phoneInCall();
    const connections = FakePeerConnection.made;

    client.emit("reconnecting", new Error("network"));
    assert.equal(phone.state, "registering");
    phone.hangUp();
    assert.equal(localStreams.at(-1), null, "the held call's media is gone");
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });
    client.emit("reconnected");
    await settle();

    assert.equal(phone.state, "registered");
    assert.equal(client.stops, 1);
    assert.equal(FakePeerConnection.made, connections);
    assert.deepEqual(client.renegotiations, []);
  });

  it("signs out of a call held while the connection comes back: its media stops, and it is not resumed", async () => {
    let stopped = 0;
    const track = { kind: "video", enabled: true, stop: () => stopped++ };
    const camera = { getTracks: () => [track], getAudioTracks: () => [], getVideoTracks: () => [track] } as unknown as MediaStream;
    const { client, phone, localStreams } = await phoneInCall([], camera);
    const held = FakePeerConnection.last!;
    client.emit("reconnecting", new Error("network"));

    phone.unregister();
    assert.equal(phone.state, "idle");
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });
    client.emit("reconnected");
    await settle();

    assert.equal(held.closed, true, "the held call's connection no longer sends the camera and microphone");
    assert.equal(stopped, 1, "the camera is off");
    assert.equal(localStreams.at(-1), null);
    assert.equal(phone.state, "idle");
    assert.deepEqual(client.resumed, [], "nothing is resumed once the connection is back");
    assert.deepEqual(client.renegotiations, []);
  });

  it("ends rather than resumes the call of a page reloaded while hanging up", async () => {
    const client = new FakeClient();
    let opened = 0;
    const phone = new Softphone(client.asClient, {
      openMedia: () => {
        opened++;
        return Promise.resolve(noTracks);
      },
    });
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });

    phone.resume("alice", "token-1", false, true);
    await settle();

    assert.equal(phone.state, "registered");
    assert.equal(client.stops, 1);
    assert.equal(opened, 0);
  });

  it("still resumes the call when nobody hung up", async () => {
    const { client, phone } = await phoneInCall();

    client.emit("reconnecting", new Error("network"));
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });
    client.emit("reconnected");
    await settle();

    assert.equal(phone.state, "connecting", "the call comes back on a new connection to the media server");
    assert.equal(client.renegotiations.length, 1);
    assert.equal(client.stops, 0);
  });

  it("goes from registering straight to connecting when the resume finds the call, never through registered", async () => {
    const { client, phone } = await phoneInCall();
    const states: string[] = [];
    phone.on("stateChange", (snapshot) => states.push(snapshot.state));

    client.emit("reconnecting", new Error("network"));
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });
    client.emit("reconnected");
    await settle();

    assert.deepEqual(states, ["idle", "registering", "connecting"], "an app that takes registered for the call's end must not see it");
  });

  it("tells the server when the person hangs up a resumed call before its camera opened (the server holds the call)", async () => {
    const client = new FakeClient();
    let openCamera: (stream: MediaStream) => void = () => undefined;
    const phone = new Softphone(client.asClient, { openMedia: () => new Promise<MediaStream>((resolve) => (openCamera = resolve)) });
    (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = FakePeerConnection;
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });
    phone.resume("alice", "token-after-reload", true);
    await settle();
    await settle();
    assert.equal(phone.state, "connecting", "the call is back; the page's camera is still opening (a permission prompt)");

    phone.hangUp();
    await settle();
    openCamera(noTracks);
    await settle();

    assert.equal(client.stops, 1, "without it the server keeps the call until its reconnect window runs out");
    assert.equal(phone.state, "registered");
    assert.deepEqual(client.renegotiations, [], "no offer for a call that was hung up");
  });

  it("tells the server when a resumed call's camera cannot be opened, and says why", async () => {
    const client = new FakeClient();
    const phone = new Softphone(client.asClient, { openMedia: () => Promise.reject(new Error("Permission denied")) });
    const notices: string[] = [];
    phone.on("notice", (notice) => notices.push(notice.text));
    (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = FakePeerConnection;
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });

    phone.resume("alice", "token-after-reload", true);
    await until(() => phone.state === "registered" && client.stops > 0);

    assert.equal(client.stops, 1, "the call the server held ends for bob too");
    assert.equal(notices.length, 1);
    assert.match(notices[0] ?? "", /Permission denied/);
  });

  it("sends no Stop for a new call whose camera cannot be opened: the server never heard of it", async () => {
    const client = new FakeClient();
    const phone = new Softphone(client.asClient, { openMedia: () => Promise.reject(new Error("Permission denied")) });
    phone.register("alice");
    await settle();

    phone.call("bob");
    await until(() => phone.state === "registered");
    await settle();

    assert.equal(client.stops, 0);
    assert.deepEqual(client.calls, []);
  });

  it("stops showing itself reconnecting when a resumed call ends before its media came back", async () => {
    const { client, phone } = await phoneInCall();
    const shown: { self: boolean; peer: boolean }[] = [];
    phone.on("reconnectChange", (state) => shown.push(state));

    client.emit("reconnecting", new Error("network"));
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });
    client.emit("reconnected");
    await settle();
    assert.equal(phone.state, "connecting");
    assert.deepEqual(shown.at(-1), { self: true, peer: false }, "reconnecting while the new connection comes up");

    phone.hangUp();
    await settle();

    assert.deepEqual(shown.at(-1), { self: false, peer: false }, "nothing is reconnecting once the call is over");
  });

  it("says the call ended when the connection comes back to find it gone, and that a ring was cut when the connection went", async () => {
    const { client, phone } = await phoneInCall();
    const notices: string[] = [];
    phone.on("notice", (notice) => notices.push(notice.text));

    client.emit("reconnecting", new Error("network"));
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: null });
    client.emit("reconnected");
    await settle();

    assert.equal(phone.state, "registered");
    assert.deepEqual(notices, ["The call ended while the connection was away."]);

    phone.call("carol");
    await settle();
    assert.equal(phone.state, "calling");
    client.emit("reconnecting", new Error("network again"));
    assert.deepEqual(notices.at(-1), "The call was interrupted: the connection to the server was lost.");
  });

  it("says a call still being set up ended with the connection, whether SignalR reconnects or the connection closed", async () => {
    for (const drop of ["reconnecting", "close"] as const) {
      const client = new FakeClient();
      const phone = new Softphone(client.asClient, { openMedia: () => Promise.resolve(noTracks) });
      const notices: string[] = [];
      phone.on("notice", (notice) => notices.push(notice.text));
      (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = FakePeerConnection;
      await callAnswered(phone, client);
      assert.equal(phone.state, "connecting", "answered, its media not connected yet");

      if (drop === "reconnecting") {
        client.emit("reconnecting", new Error("network"));
        client.emit("reconnected");
      } else {
        client.emit("close", undefined, false);
      }
      await settle();

      assert.equal(phone.state, "registered");
      assert.deepEqual(notices, ["The call ended while the connection was away."], `after ${drop}`);
    }
  });

  it("mutes the microphone of a call held while the signaling connection comes back (the held connection still sends)", async () => {
    const microphone = { kind: "audio", enabled: true, stop: () => undefined };
    const stream = { getTracks: () => [microphone], getAudioTracks: () => [microphone], getVideoTracks: () => [] } as unknown as MediaStream;
    const { client, phone } = await phoneInCall([], stream);
    client.emit("reconnecting", new Error("network"));
    assert.equal(phone.state, "registering", "the call is held");

    phone.setMicrophoneEnabled(false);

    assert.equal(microphone.enabled, false, "the person muted: the held connection must not go on sending their voice");
  });

  it("lists the connection held while the signaling connection comes back among those sending the page's media, then it and the new one until the new one connects", async () => {
    const { client, phone } = await phoneInCall();
    const first = FakePeerConnection.last;
    const connections = (): unknown[] => [...phone.peerConnections];

    client.emit("reconnecting", new Error("network"));
    assert.equal(phone.peerConnection, null, "the call has no current connection while it is held");
    assert.equal(connections().length, 1);
    assert.equal(connections()[0], first, "the held connection still sends the camera and microphone");

    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });
    client.emit("reconnected");
    await settle();
    const second = FakePeerConnection.last;
    assert.notEqual(second, first);
    assert.equal(connections().length, 2);
    assert.equal(connections()[0], second, "the call's new connection");
    assert.equal(connections()[1], first, "and the one handed over from, which plays until the new one connects");

    second?.connect();
    assert.equal(connections().length, 1);
    assert.equal(connections()[0], second);
  });

  it("keeps the call's media held when the connection drops again while a resume waits to ask again", async () => {
    const { client, phone, opened, localStreams } = await phoneInCall([30]);
    client.resumeOutcome = () => Promise.reject(new RejectedError("unavailable", "unavailable", null));
    client.emit("reconnecting", new Error("network"));
    client.emit("reconnected");
    await settle();

    client.emit("reconnecting", new Error("network again"));
    assert.equal(phone.state, "registering");
    assert.notEqual(localStreams.at(-1), null, "the held call's media still plays");
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });
    client.emit("reconnected");
    await settle();

    assert.equal(phone.state, "connecting", "the call comes back");
    assert.equal(client.renegotiations.length, 1);
    assert.equal(opened(), 1, "on the held camera");
  });

  it("keeps the handed-over connection carrying the call when the signaling connection drops again while the resumed call connects", async () => {
    const { client, phone, opened, localStreams } = await phoneInCall();
    const carrying = FakePeerConnection.last!;
    client.emit("reconnecting", new Error("network"));
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });
    client.emit("reconnected");
    await until(() => client.renegotiations.length === 1);
    assert.equal(phone.state, "connecting");
    const resumed = FakePeerConnection.last!;
    assert.notEqual(resumed, carrying);

    client.emit("reconnecting", new Error("network again"));
    assert.equal(phone.state, "registering");
    assert.equal(carrying.closed, false, "the connection handed over from still carries the call");
    assert.equal(resumed.closed, true, "the new one never did");
    assert.notEqual(localStreams.at(-1), null);

    client.emit("reconnected");
    await until(() => client.renegotiations.length === 2);
    assert.equal(phone.state, "connecting");
    assert.equal(opened(), 1, "on the held camera");
    FakePeerConnection.last!.connect();
    assert.equal(phone.state, "in-call");
    assert.equal(carrying.closed, true, "handed over at last");
  });

  it("shows a resumed call's new remote video once its connection connects, the handed-over one's until then", async () => {
    const { client, phone } = await phoneInCall();
    const remoteStreams: (MediaStream | null)[] = [];
    phone.on("remoteStream", (stream) => remoteStreams.push(stream));
    const before = {} as MediaStream;
    const after = {} as MediaStream;
    FakePeerConnection.last!.track(before);
    client.emit("reconnecting", new Error("network"));
    client.resumeOutcome = () => Promise.resolve({ ice: null, resumedCallWith: "bob" });
    client.emit("reconnected");
    await until(() => client.renegotiations.length === 1);

    client.emit("renegotiated", { sdpAnswer: "answer" });
    await settle();
    FakePeerConnection.last!.track(after);
    assert.equal(remoteStreams.length, 1, "the new connection has no media yet");
    assert.equal(remoteStreams[0], before);

    FakePeerConnection.last!.connect();
    assert.equal(remoteStreams.at(-1), after);
  });
});

/** Alice registers, her connection breaks and comes back, and her resume is told to try again: a retry is waiting. */
async function registeredThenResumeWaitsToRetry(client: FakeClient, phone: Softphone): Promise<void> {
  phone.register("alice");
  await settle();
  client.resumeOutcome = () => Promise.reject(new RejectedError("unavailable", "unavailable", null));
  client.emit("reconnecting", new Error("network"));
  client.emit("reconnected");
  await settle();
}

/** Runs `test` with setTimeout recording each wait it is asked for and waiting none of it; the real one is given too. */
async function withTimeoutsRecorded(test: (delays: number[], realSetTimeout: typeof setTimeout) => Promise<void>): Promise<void> {
  const delays: number[] = [];
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = ((callback: () => void, ms?: number) => {
    delays.push(ms ?? 0);
    return realSetTimeout(callback, 0);
  }) as typeof setTimeout;
  try {
    await test(delays, realSetTimeout);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
}
