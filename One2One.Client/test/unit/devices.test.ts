import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { MediaDevicesControl } from "../../src/features/devices.js";
import { Softphone } from "../../src/softphone.js";
import { callAnswered, FakeClient, FakePeerConnection, until } from "./softphone-fakes.js";

/** Just enough of a MediaStreamTrack for a switch: its kind, whether it is on and whether it was stopped. */
class FakeTrack {
  enabled = true;
  stopped = false;
  constructor(
    readonly kind: "audio" | "video",
    readonly id: string,
  ) {}
  stop(): void {
    this.stopped = true;
  }
  get readyState(): "live" | "ended" {
    return this.stopped ? "ended" : "live";
  }
  getSettings(): { deviceId: string } {
    return { deviceId: this.id };
  }
  addEventListener(): void {}
}

class FakeStream {
  constructor(private tracks: FakeTrack[]) {}
  getTracks(): FakeTrack[] {
    return [...this.tracks];
  }
  getAudioTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === "audio");
  }
  getVideoTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === "video");
  }
  removeTrack(track: FakeTrack): void {
    this.tracks = this.tracks.filter((t) => t !== track);
  }
  addTrack(track: FakeTrack): void {
    this.tracks.push(track);
  }
}

/** A connection's sender of one track; records what replaceTrack put on it. */
class FakeSender {
  closed = false;
  constructor(public track: FakeTrack) {}
  replaceTrack(track: FakeTrack): Promise<void> {
    if (this.closed) {
      return Promise.reject(new Error("InvalidStateError: the connection is closed"));
    }
    this.track = track;
    return Promise.resolve();
  }
}

class FakeConnection {
  readonly senders: FakeSender[];
  constructor(tracks: FakeTrack[]) {
    this.senders = tracks.map((t) => new FakeSender(t));
  }
  getSenders(): FakeSender[] {
    return this.senders;
  }
}

/** The parts of a Softphone the device control uses: its local stream event, media state and connections. */
class FakePhone {
  connections: FakeConnection[] = [];
  current: FakeConnection | null = null;
  private listener: ((stream: FakeStream | null) => void) | null = null;
  readonly mediaState = { audio: true, video: true };
  get peerConnection(): FakeConnection | null {
    return this.current;
  }
  get peerConnections(): FakeConnection[] {
    return this.connections;
  }
  on(event: string, listener: (stream: FakeStream | null) => void): void {
    if (event === "localStream") {
      this.listener = listener;
    }
  }
  emitLocalStream(stream: FakeStream | null): void {
    this.listener?.(stream);
  }
  get asSoftphone(): Softphone {
    return this as unknown as Softphone;
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Whether the fake camera refuses to open (unplugged, in use). */
let cameraFails = false;
/** The devices plugged in, when a test says (else any id opens and none is listed). */
let plugged: MediaDeviceInfo[] | null = null;
/** The constraints of each getUserMedia, in order. */
let opened: { video?: unknown; audio?: unknown }[] = [];
/** Whether the fake phone opens one camera at a time, as many Android phones do: another is refused while one is live. */
let oneCameraAtATime = false;
/** Cameras that do not start even when no other is open. */
let brokenCameras: string[] = [];
/** The camera tracks opened (the call's first one too), to tell whether one is still live. */
let cameras: FakeTrack[] = [];

const device = (kind: "videoinput" | "audioinput", deviceId: string): MediaDeviceInfo =>
  ({ kind, deviceId, groupId: "", label: deviceId, toJSON: () => ({}) }) as MediaDeviceInfo;

/** What getUserMedia is asked for of one kind: any device, or an exact one. */
type Constraint = true | { deviceId: { exact: string } };

function isPlugged(constraint: unknown): boolean {
  const exact = typeof constraint === "object" && constraint !== null ? (constraint as { deviceId: { exact: string } }).deviceId.exact : null;
  return plugged === null || exact === null || plugged.some((d) => d.deviceId === exact);
}

function useFakeDevices(): void {
  cameraFails = false;
  plugged = null;
  opened = [];
  oneCameraAtATime = false;
  brokenCameras = [];
  cameras = [];
  Object.defineProperty(globalThis, "navigator", {
    configurable: true,
    value: {
      mediaDevices: {
        addEventListener: () => undefined,
        enumerateDevices: () => Promise.resolve(plugged ?? []),
        getUserMedia: (constraints: { video?: Constraint; audio?: Constraint }) => {
          opened.push(constraints);
          if (!isPlugged(constraints.video) || !isPlugged(constraints.audio)) {
            return Promise.reject(new DOMException("No device has the id asked for.", "OverconstrainedError"));
          }
          const camera = constraints.video === undefined ? undefined : typeof constraints.video === "object" ? constraints.video.deviceId.exact : "default";
          if (camera !== undefined && (brokenCameras.includes(camera) || (oneCameraAtATime && cameras.some((t) => !t.stopped)))) {
            return Promise.reject(new DOMException("Could not start video source", "NotReadableError"));
          }
          // A track of each kind asked for, on the device asked for (else "default").
          const track = (kind: "audio" | "video", constraint: Constraint | undefined) =>
            constraint === undefined ? [] : [new FakeTrack(kind, typeof constraint === "object" ? constraint.deviceId.exact : "default")];
          if (cameraFails) {
            return Promise.reject(new Error("NotReadableError: the camera is in use"));
          }
          const video = track("video", constraints.video);
          cameras.push(...video);
          return Promise.resolve(new FakeStream([...track("audio", constraints.audio), ...video]));
        },
        getDisplayMedia: () => Promise.resolve(new FakeStream([new FakeTrack("video", "screen")])),
      },
    },
  });
}

/** A Softphone on fake connections that opens the devices its MediaDevicesControl chose, as the page's does. */
function phoneOnDevices(): { client: FakeClient; phone: Softphone; devices: MediaDevicesControl } {
  useFakeDevices();
  (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = FakePeerConnection;
  const client = new FakeClient();
  const phone: Softphone = new Softphone(client.asClient, { openMedia: (): Promise<MediaStream> => devices.open() });
  const devices = new MediaDevicesControl(phone);
  return { client, phone, devices };
}

/** The track `pc` sends of `kind`. */
function sent(pc: FakePeerConnection, kind: "audio" | "video"): FakeTrack | undefined {
  return pc.getSenders().find((s) => s.track?.kind === kind)?.track as FakeTrack | undefined;
}

/** A page in a call on camera "cam-1", its one connection sending it, and the device control over it. */
async function inACallOnCamera(): Promise<{ phone: FakePhone; devices: MediaDevicesControl; stream: FakeStream; current: FakeConnection }> {
  useFakeDevices();
  const phone = new FakePhone();
  const devices = new MediaDevicesControl(phone.asSoftphone);
  const camera = new FakeTrack("video", "cam-1");
  cameras.push(camera);
  const stream = new FakeStream([camera]);
  const current = new FakeConnection([camera]);
  phone.connections = [current];
  phone.current = current;
  phone.emitLocalStream(stream);
  await settle();
  return { phone, devices, stream, current };
}

describe("MediaDevicesControl", () => {
  const original = Object.getOwnPropertyDescriptor(globalThis, "navigator");
  afterEach(() => {
    delete (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection;
    if (original) {
      Object.defineProperty(globalThis, "navigator", original);
    } else {
      delete (globalThis as { navigator?: unknown }).navigator;
    }
  });

  it("puts a new camera on every connection sending the page's media: the call's and the one held while the signaling connection comes back", async () => {
    useFakeDevices();
    const phone = new FakePhone();
    const devices = new MediaDevicesControl(phone.asSoftphone);
    const camera = new FakeTrack("video", "cam-1");
    const microphone = new FakeTrack("audio", "mic-1");
    const stream = new FakeStream([microphone, camera]);
    const held = new FakeConnection([microphone, camera]);
    const current = new FakeConnection([microphone, camera]);
    phone.connections = [current, held];
    phone.current = current;
    phone.emitLocalStream(stream);
    await settle();

    await devices.useCamera("cam-2");

    const video = (c: FakeConnection) => c.senders.find((s) => s.track.kind === "video")?.track;
    assert.equal(video(current)?.id, "cam-2");
    assert.equal(video(held)?.id, "cam-2", "the held connection sends the new camera too, not the stopped one");
    assert.equal(camera.stopped, true, "the old camera is released");
    assert.deepEqual(stream.getVideoTracks().map((t) => t.id), ["cam-2"], "and the local stream shows the new one");
    assert.equal(current.senders.find((s) => s.track.kind === "audio")?.track, microphone, "the microphone is left as it was");
  });

  it("switches even when a held connection closed meanwhile, but not when the call's own connection refuses the track", async () => {
    useFakeDevices();
    const phone = new FakePhone();
    const devices = new MediaDevicesControl(phone.asSoftphone);
    const errors: string[] = [];
    devices.on("error", (message) => errors.push(message));
    const camera = new FakeTrack("video", "cam-1");
    const stream = new FakeStream([camera]);
    const held = new FakeConnection([camera]);
    const current = new FakeConnection([camera]);
    phone.connections = [current, held];
    phone.current = current;
    phone.emitLocalStream(stream);
    await settle();
    held.senders.forEach((s) => (s.closed = true));

    await devices.useCamera("cam-2");

    assert.deepEqual(errors, []);
    assert.equal(current.senders[0]?.track.id, "cam-2");
    assert.deepEqual(stream.getVideoTracks().map((t) => t.id), ["cam-2"]);

    current.senders.forEach((s) => (s.closed = true));
    await devices.useCamera("cam-3");

    assert.equal(errors.length, 1, "the switch failed and says so");
    assert.deepEqual(stream.getVideoTracks().map((t) => t.id), ["cam-2"], "the call goes on with what it had");
  });
  it("stops sending the screen when stopping a share cannot reopen the camera, and says sharing stopped", async () => {
    const { devices, current } = await inACallOnCamera();
    const errors: string[] = [];
    const sharing: boolean[] = [];
    devices.on("error", (message) => errors.push(message));
    devices.on("sharing", (on) => sharing.push(on));
    await devices.shareScreen();
    const screen = current.senders[0]?.track;
    assert.equal(screen?.id, "screen");

    cameraFails = true;
    await devices.stopSharing();

    assert.equal(screen?.stopped, true, "the screen is not sent on while the page says sharing stopped");
    assert.equal(devices.sharing, false);
    assert.deepEqual(sharing, [true, false]);
    assert.equal(errors.length, 1, "the person hears the camera did not come back");
    cameraFails = false;
    await devices.useCamera("cam-2");
    assert.equal(current.senders[0]?.track.id, "cam-2", "a camera chosen afterwards goes on the call");
  });

  it("switches camera on a phone that opens one camera at a time (many Android phones): the call's camera is turned off first", async () => {
    const { devices, stream, current } = await inACallOnCamera();
    const errors: string[] = [];
    devices.on("error", (message) => errors.push(message));
    const camera = current.senders[0]!.track;
    oneCameraAtATime = true;

    await devices.useCamera("cam-2");

    assert.deepEqual(errors, []);
    assert.equal(current.senders[0]?.track.id, "cam-2", "the call sends the new camera");
    assert.equal(current.senders[0]?.track.stopped, false);
    assert.equal(camera.stopped, true, "the old camera was turned off to make room");
    assert.deepEqual(stream.getVideoTracks().map((t) => t.id), ["cam-2"]);
    assert.deepEqual(opened.map((c) => c.video), [{ deviceId: { exact: "cam-2" } }, { deviceId: { exact: "cam-2" } }]);
  });

  it("puts the call's camera back when the new one does not start even alone, and says the switch failed", async () => {
    const { devices, stream, current } = await inACallOnCamera();
    const errors: string[] = [];
    devices.on("error", (message) => errors.push(message));
    const camera = current.senders[0]!.track;
    oneCameraAtATime = true;
    brokenCameras = ["cam-2"];

    await devices.useCamera("cam-2");

    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /could not be switched: Could not start video source/);
    assert.equal(camera.stopped, true);
    const back = current.senders[0]?.track;
    assert.equal(back?.id, "cam-1", "the call sends the camera it had, opened again");
    assert.equal(back?.stopped, false, "a live one: the call goes on with its picture");
    assert.deepEqual(stream.getVideoTracks(), [back]);
    assert.deepEqual(opened.at(-1), { video: { deviceId: { exact: "cam-1" } } });
  });

  it("leaves the call's camera on when the new one fails for another reason", async () => {
    const { devices, current } = await inACallOnCamera();
    const errors: string[] = [];
    devices.on("error", (message) => errors.push(message));
    const camera = current.senders[0]!.track;
    plugged = [device("videoinput", "cam-1")];

    await devices.useCamera("cam-2");

    assert.equal(errors.length, 1);
    assert.equal(opened.length, 1, "asked for once");
    assert.equal(current.senders[0]?.track, camera);
    assert.equal(camera.stopped, false);
  });

  it("says the screen cannot be shared where the browser has no getDisplayMedia (iOS Safari, Android), without a TypeError", async () => {
    const { devices, current } = await inACallOnCamera();
    assert.equal(devices.canShareScreen, true, "a desktop browser can");
    delete (navigator.mediaDevices as { getDisplayMedia?: unknown }).getDisplayMedia;
    const errors: string[] = [];
    const sharing: boolean[] = [];
    devices.on("error", (message) => errors.push(message));
    devices.on("sharing", (on) => sharing.push(on));

    assert.equal(devices.canShareScreen, false, "the page hides its share button");
    await devices.shareScreen();

    assert.deepEqual(errors, ["This browser cannot share the screen."]);
    assert.deepEqual(sharing, []);
    assert.equal(devices.sharing, false);
    assert.equal(current.senders[0]?.track.id, "cam-1", "the call goes on with its camera");

    Object.defineProperty(globalThis, "navigator", { configurable: true, value: {} });
    assert.equal(devices.canShareScreen, false, "nor outside a secure context (no mediaDevices)");
  });

  it("keeps sharing when the same local stream comes again (a resumed call), and can still stop it", async () => {
    const { phone, devices, stream, current } = await inACallOnCamera();
    await devices.shareScreen();

    phone.emitLocalStream(stream);
    await settle();

    assert.equal(devices.sharing, true, "the resumed call still sends the screen");
    await devices.stopSharing();
    assert.equal(current.senders[0]?.track.id, "default", "stopping puts the camera back");
    assert.equal(devices.sharing, false);
  });

  it("stops a new camera or screen that the senders took just as the call ended, and does not say it is sharing", async () => {
    for (const share of [false, true]) {
      const { phone, devices, current } = await inACallOnCamera();
      const sharing: boolean[] = [];
      devices.on("sharing", (on) => sharing.push(on));
      const sender = current.senders[0]!;
      let finish = (): void => undefined;
      sender.replaceTrack = (track: FakeTrack) =>
        new Promise<void>((resolve) => {
          finish = () => {
            sender.track = track;
            resolve();
          };
        });
      const switching = share ? devices.shareScreen() : devices.useCamera("cam-2");
      await settle();

      phone.emitLocalStream(null);
      finish();
      await switching;

      assert.equal(sender.track.stopped, true, share ? "the screen capture stops" : "the camera light goes out");
      assert.equal(devices.sharing, false);
      assert.deepEqual(sharing, [false], "only the end of the call's media");
    }
  });

  it("says sharing stopped when a new call's stream replaces one that was sharing", async () => {
    const { phone, devices } = await inACallOnCamera();
    await devices.shareScreen();
    const sharing: boolean[] = [];
    devices.on("sharing", (on) => sharing.push(on));

    phone.emitLocalStream(new FakeStream([new FakeTrack("video", "cam-1")]));
    await settle();

    assert.equal(devices.sharing, false);
    assert.deepEqual(sharing, [false], "the page's share button is released");
  });

  it("puts a camera and microphone chosen while a call rang on the call once it is accepted, and turns off those opened for the ring", async () => {
    const { client, phone, devices } = phoneOnDevices();
    const shown: (MediaStream | null)[] = [];
    phone.on("localStream", (stream) => shown.push(stream));
    phone.register("bob");
    await settle();
    client.emit("incomingCall", { from: "alice" });
    await settle();
    // The camera and microphone opened as it rang, and the connection and offer made on them.
    const prepared = FakePeerConnection.last!;
    const rang = [sent(prepared, "video")!, sent(prepared, "audio")!];
    assert.deepEqual(rang.map((t) => t.id), ["default", "default"]);

    await devices.useCamera("cam-2");
    await devices.useMicrophone("mic-2");
    phone.accept();
    await until(() => sent(prepared, "video")?.id === "cam-2" && sent(prepared, "audio")?.id === "mic-2");

    assert.deepEqual(client.callResponses, ["alice: accept"]);
    assert.equal(FakePeerConnection.last, prepared, "the connection prepared while it rang carries the call");
    assert.equal(sent(prepared, "video")?.id, "cam-2", "the camera chosen last is sent");
    assert.equal(sent(prepared, "audio")?.id, "mic-2", "and the microphone chosen last");
    assert.deepEqual(rang.map((t) => t.stopped), [true, true], "the camera and microphone opened for the ring are turned off");
    const local = shown.at(-1) as unknown as FakeStream;
    assert.deepEqual(local.getTracks().map((t) => t.id).sort(), ["cam-2", "mic-2"], "the page shows the devices the call sends");
    assert.deepEqual(devices.selected, { camera: "cam-2", microphone: "mic-2" });
  });

  it("puts a camera chosen while a call rang on the accepted call on a phone that opens one camera at a time", async () => {
    const { client, phone, devices } = phoneOnDevices();
    const errors: string[] = [];
    devices.on("error", (message) => errors.push(message));
    oneCameraAtATime = true;
    phone.register("bob");
    await settle();
    client.emit("incomingCall", { from: "alice" });
    await settle();
    const prepared = FakePeerConnection.last!;
    const rang = sent(prepared, "video")!;
    assert.equal(rang.id, "default");

    await devices.useCamera("cam-2");
    phone.accept();
    await until(() => sent(prepared, "video")?.id === "cam-2");

    assert.deepEqual(errors, []);
    assert.equal(sent(prepared, "video")?.id, "cam-2", "the camera chosen is sent");
    assert.equal(rang.stopped, true, "the camera opened for the ring made room for it");
  });

  it("opens a camera chosen before the call rang once: the accepted call does not switch it again", async () => {
    const { client, phone, devices } = phoneOnDevices();
    await devices.useCamera("cam-2");
    phone.register("bob");
    await settle();
    client.emit("incomingCall", { from: "alice" });
    await settle();

    phone.accept();
    await until(() => client.callResponses.length === 1);
    await settle();

    assert.deepEqual(opened, [{ audio: true, video: { deviceId: { exact: "cam-2" } } }]);
    assert.equal(sent(FakePeerConnection.last!, "video")?.id, "cam-2");
  });

  for (const outcome of ["takes it", "refuses it, closed"] as const) {
    it(`puts a camera chosen while a media reconnect moves the call on the new connection (the old one's sender ${outcome})`, async () => {
      const { client, phone, devices } = phoneOnDevices();
      const errors: string[] = [];
      devices.on("error", (message) => errors.push(message));
      await callAnswered(phone, client);
      const old = FakePeerConnection.last!;
      old.connect();
      assert.equal(phone.state, "in-call");
      const camera = sent(old, "video")!;
      // The browser's replaceTrack takes its time: the old connection's sender answers when the test says.
      const sender = old.getSenders().find((s) => s.track?.kind === "video")!;
      let finish: (() => void) | null = null;
      sender.replaceTrack = (track) =>
        new Promise<void>((resolve, reject) => {
          finish = () => {
            if (outcome === "takes it") {
              sender.track = track;
              resolve();
            } else {
              reject(new DOMException("The connection is closed.", "InvalidStateError"));
            }
          };
        });

      const switching = devices.useCamera("cam-2");
      await until(() => finish !== null);
      // The path is lost meanwhile: the call moves to a new connection on the same local stream.
      old.iceState("failed");
      const moved = FakePeerConnection.last!;
      assert.notEqual(moved, old);
      assert.equal(old.closed, true);
      finish!();
      await switching;

      assert.deepEqual(errors, []);
      assert.equal(sent(moved, "video")?.id, "cam-2", "the call's new connection sends the camera chosen");
      assert.equal(sent(moved, "video")?.stopped, false, "not a stopped track");
      assert.equal(camera.stopped, true, "the old camera is released");
      phone.hangUp();
    });
  }

  it("a chosen camera that was unplugged is forgotten: the next call opens the default instead of failing", async () => {
    useFakeDevices();
    plugged = [device("videoinput", "usb-cam"), device("videoinput", "builtin")];
    const devices = new MediaDevicesControl(new FakePhone().asSoftphone);
    await devices.useCamera("usb-cam");

    plugged = [device("videoinput", "builtin")];
    await devices.refresh();
    const stream = (await devices.open()) as unknown as FakeStream;

    assert.deepEqual(opened, [{ audio: true, video: true }], "the default, not the unplugged camera's id");
    assert.equal(stream.getVideoTracks()[0]?.id, "default");
    assert.equal(devices.selected.camera, null, "no choice left: the page shows the camera the call opens");
  });

  it("a chosen camera unplugged before the page heard of it: opening it fails, and the default is opened in its place", async () => {
    useFakeDevices();
    plugged = [device("videoinput", "usb-cam")];
    const devices = new MediaDevicesControl(new FakePhone().asSoftphone);
    await devices.useCamera("usb-cam");
    plugged = [device("videoinput", "builtin")];
    let listed = 0;
    devices.on("devices", () => listed++);

    await devices.open();

    assert.equal(opened.length, 2);
    assert.deepEqual(opened[1], { audio: true, video: true });
    assert.equal(listed, 1, "the page's selectors hear of the list without the camera");
    const again = (await devices.open()) as unknown as FakeStream;
    assert.equal(opened.length, 3, "forgotten: the next call does not ask for it first");
    assert.equal(again.getVideoTracks()[0]?.id, "default");
  });

  it("an unplugged microphone is forgotten, and the chosen camera, still plugged in, is kept", async () => {
    useFakeDevices();
    plugged = [device("videoinput", "usb-cam"), device("audioinput", "headset")];
    const devices = new MediaDevicesControl(new FakePhone().asSoftphone);
    await devices.useCamera("usb-cam");
    await devices.useMicrophone("headset");
    plugged = [device("videoinput", "usb-cam"), device("audioinput", "builtin-mic")];

    await devices.open();

    assert.deepEqual(opened.at(-1), { audio: true, video: { deviceId: { exact: "usb-cam" } } });
  });

  it("a camera that fails for another reason (in use) is not forgotten, and the failure is the call's", async () => {
    useFakeDevices();
    plugged = [device("videoinput", "usb-cam")];
    const devices = new MediaDevicesControl(new FakePhone().asSoftphone);
    await devices.useCamera("usb-cam");
    cameraFails = true;

    await assert.rejects(devices.open());
    assert.equal(opened.length, 1);
    cameraFails = false;
    await devices.open();
    assert.deepEqual(opened[1], { audio: true, video: { deviceId: { exact: "usb-cam" } } });
  });

  it("devices listed without ids (the camera not yet allowed) leave the choice alone", async () => {
    useFakeDevices();
    const devices = new MediaDevicesControl(new FakePhone().asSoftphone);
    await devices.useCamera("usb-cam");
    plugged = [device("videoinput", "")];
    await devices.refresh();
    plugged = null;

    await devices.open();
    assert.deepEqual(opened, [{ audio: true, video: { deviceId: { exact: "usb-cam" } } }]);
  });
});
