// Which camera and microphone a call uses, and screen sharing in place of the camera. A switch during a call puts the
// new track on the existing RTCRtpSender with replaceTrack (W3C WebRTC §5.2): same codec and SSRC, so no new offer and
// no renegotiation. The choice also applies to the next calls (pass `open` as the Softphone's openMedia).
// Owned by the page's one thread; each switch finishes before the next starts (`busy`).

import { openLocalMedia } from "../call.js";
import { Emitter, Subscriptions } from "../emitter.js";
import type { Softphone, SoftphoneEvents } from "../softphone.js";

export interface DeviceList {
  readonly cameras: readonly MediaDeviceInfo[];
  readonly microphones: readonly MediaDeviceInfo[];
}

export interface MediaDevicesEvents {
  /** The cameras and microphones changed (or their names became known once the camera was allowed). */
  devices(list: DeviceList): void;
  /** Screen sharing started or stopped. */
  sharing(sharing: boolean): void;
  /** A switch failed; the call goes on with what it had. */
  error(message: string): void;
}

export class MediaDevicesControl {
  private camera: string | null = null;
  private microphone: string | null = null;
  private stream: MediaStream | null = null;
  private screenTrack: MediaStreamTrack | null = null;
  private busy: Promise<void> = Promise.resolve();
  private readonly events = new Emitter<MediaDevicesEvents>();
  private readonly fromPhone: Subscriptions<SoftphoneEvents>;
  /** The browser's devices whose "devicechange" this listens to (none outside a secure context). */
  private readonly mediaDevices: MediaDevices | null = navigator.mediaDevices ?? null;
  private readonly onDeviceChange = (): void => void this.refresh();
  /** Ends the sharing when the browser's own "stop sharing" ends the screen track. */
  private readonly onScreenEnded = (): void => void this.stopSharing();

  constructor(private readonly phone: Softphone) {
    this.fromPhone = new Subscriptions<SoftphoneEvents>(phone);
    this.fromPhone.on("localStream", (stream) => {
      if (stream !== null && stream === this.stream) {
        // The same stream again (a resumed call goes on with the camera, or the screen, it had): nothing changed here.
        return;
      }
      const wasSharing = this.screenTrack !== null;
      this.stream = stream;
      this.screenTrack = null;
      if (stream !== null) {
        void this.refresh();
        this.followChoice(stream);
      }
      if (stream === null || wasSharing) {
        this.events.emit("sharing", false);
      }
    });
    this.mediaDevices?.addEventListener("devicechange", this.onDeviceChange);
  }

  /**
   * Stops following the phone and the browser's device changes. A screen being shared goes on with the call (the browser's
   * own "stop sharing" then leaves it as it is); the Softphone's dispose() or the call's end turns it off.
   */
  dispose(): void {
    this.fromPhone.dispose();
    this.mediaDevices?.removeEventListener("devicechange", this.onDeviceChange);
    this.screenTrack?.removeEventListener("ended", this.onScreenEnded);
  }

  /**
   * Opens the chosen camera and microphone (the defaults until one is chosen): the Softphone's openMedia. A chosen device
   * that is gone (unplugged since it was chosen) is forgotten and the defaults are opened instead, so one unplugged
   * headset does not make every later call fail.
   */
  readonly open = async (): Promise<MediaStream> => {
    const chosen = { camera: this.camera, microphone: this.microphone };
    try {
      return await openLocalMedia(this.constraints());
    } catch (error) {
      if ((chosen.camera === null && chosen.microphone === null) || !isDeviceGone(error)) {
        throw error;
      }
      // Which one went: the list forgets a choice no longer plugged in (and the page's selectors follow). If both are
      // still listed the browser would not say which it could not open: both are forgotten.
      await this.refresh();
      if (this.camera === chosen.camera && this.microphone === chosen.microphone) {
        this.forgetChoice(chosen);
      }
      return await openLocalMedia(this.constraints());
    }
  };

  get sharing(): boolean {
    return this.screenTrack !== null;
  }

  /**
   * Whether this browser can share a screen at all: iOS Safari and Chrome and Firefox for Android have no getDisplayMedia
   * (nor has a page outside a secure context). The page hides its share button where it cannot.
   */
  get canShareScreen(): boolean {
    return typeof navigator.mediaDevices?.getDisplayMedia === "function";
  }

  /** The ids of the devices in use now (or chosen for the next call). */
  get selected(): { readonly camera: string | null; readonly microphone: string | null } {
    const id = (kind: "audio" | "video") => this.stream?.getTracks().find((t) => t.kind === kind)?.getSettings().deviceId ?? null;
    return { camera: this.camera ?? id("video"), microphone: this.microphone ?? id("audio") };
  }

  on<K extends keyof MediaDevicesEvents>(event: K, listener: MediaDevicesEvents[K]): void {
    this.events.on(event, listener);
  }

  off<K extends keyof MediaDevicesEvents>(event: K, listener: MediaDevicesEvents[K]): void {
    this.events.off(event, listener);
  }

  async refresh(): Promise<DeviceList> {
    const all = (await navigator.mediaDevices?.enumerateDevices()) ?? [];
    const list = { cameras: all.filter((d) => d.kind === "videoinput"), microphones: all.filter((d) => d.kind === "audioinput") };
    // A chosen device no longer listed was unplugged: the next call opens the default. (Without the camera allowed the
    // browser lists devices with empty ids, which say nothing about what is plugged in.)
    const gone = (chosen: string | null, devices: readonly MediaDeviceInfo[]) =>
      chosen !== null && !devices.some((d) => d.deviceId === chosen) && !devices.some((d) => d.deviceId === "") ? chosen : null;
    this.forgetChoice({ camera: gone(this.camera, list.cameras), microphone: gone(this.microphone, list.microphones) });
    this.events.emit("devices", list);
    return list;
  }

  private constraints(): MediaStreamConstraints {
    return {
      audio: this.microphone === null ? true : { deviceId: { exact: this.microphone } },
      video: this.camera === null ? true : { deviceId: { exact: this.camera } },
    };
  }

  /** Forgets the choices named (if they are still the choice: a newer one stays). */
  private forgetChoice(gone: { readonly camera: string | null; readonly microphone: string | null }): void {
    if (gone.camera !== null && this.camera === gone.camera) {
      this.camera = null;
    }
    if (gone.microphone !== null && this.microphone === gone.microphone) {
      this.microphone = null;
    }
  }

  useCamera(deviceId: string): Promise<void> {
    this.camera = deviceId;
    return this.serially(async () => {
      if (this.stream !== null && this.screenTrack === null) {
        await this.switchCamera({ deviceId: { exact: deviceId } });
      }
    });
  }

  useMicrophone(deviceId: string): Promise<void> {
    this.microphone = deviceId;
    return this.serially(async () => {
      if (this.stream !== null) {
        await this.replace("audio", () => this.capture({ audio: { deviceId: { exact: deviceId } } }));
      }
    });
  }

  /**
   * Sends the screen (a window or tab the person picks) in place of the camera until stopSharing() or the browser's own
   * stop. Where the browser cannot (canShareScreen), it says so plainly rather than as getDisplayMedia's TypeError.
   */
  shareScreen(): Promise<void> {
    if (!this.canShareScreen) {
      this.events.emit("error", "This browser cannot share the screen.");
      return Promise.resolve();
    }
    return this.serially(async () => {
      if (this.stream === null || this.screenTrack !== null) {
        return;
      }
      const track = await this.replace("video", async () => {
        const display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
        const [screen] = display.getVideoTracks();
        if (screen === undefined) {
          throw new Error("The browser shared no picture.");
        }
        return screen;
      });
      if (track !== null) {
        this.screenTrack = track;
        track.addEventListener("ended", this.onScreenEnded);
        this.events.emit("sharing", true);
      }
    });
  }

  /**
   * Back from the screen to the camera. When the camera cannot be opened again (unplugged, taken, no longer allowed), the
   * screen still stops: it is not sent on while the page says sharing stopped; the call then sends no picture until a
   * camera is chosen.
   */
  stopSharing(): Promise<void> {
    return this.serially(async () => {
      const screen = this.screenTrack;
      if (screen === null) {
        return;
      }
      try {
        if (this.stream !== null) {
          await this.replace("video", () => this.capture({ video: this.camera === null ? true : { deviceId: { exact: this.camera } } }));
        }
      } catch (error) {
        screen.stop();
        throw error;
      } finally {
        this.screenTrack = null;
        this.events.emit("sharing", false);
      }
    });
  }

  /**
   * A call's camera and microphone are opened before the call has them: while an incoming call rings (the Softphone's
   * openMediaWhileRinging makes its connection and offer on them then), or while the camera opens. A device chosen
   * meanwhile found no call to switch, and the call would start on the one opened before: it is switched now, on the
   * call's connection, and the one opened before is stopped (replace).
   */
  private followChoice(stream: MediaStream): void {
    // Not when the browser does not say which device a track is on: nothing tells it was opened before the choice.
    const stale = (kind: "audio" | "video", chosen: string | null): chosen is string => {
      const inUse = stream.getTracks().find((t) => t.kind === kind)?.getSettings().deviceId;
      return chosen !== null && inUse !== undefined && inUse !== chosen;
    };
    if (stale("video", this.camera)) {
      void this.useCamera(this.camera);
    }
    if (stale("audio", this.microphone)) {
      void this.useMicrophone(this.microphone);
    }
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.busy.then(step).catch((error: unknown) => {
      this.events.emit("error", `The device could not be switched: ${error instanceof Error ? error.message : String(error)}`);
    });
    this.busy = next;
    return next;
  }

  /**
   * Puts the camera `video` asks for on the call in place of the one it sends. Many Android phones (Chrome and Firefox
   * for Android) open one camera at a time: asked for a second while the call's is live, getUserMedia fails with
   * NotReadableError ("Could not start video source") or AbortError, and the call would stay on the old camera. Then the
   * call's camera is turned off and the new one asked for once more. If it still does not open, the camera the call had
   * is opened again and put back, so the call does not go on without a picture, and the switch fails as it did.
   * (The microphone is switched as before: the one-at-a-time limit is the cameras'; none is known for microphones, and
   * turning the call's microphone off first would cut its sound for nothing.)
   */
  private async switchCamera(video: MediaTrackConstraints): Promise<void> {
    const stream = this.stream;
    // The device of the camera turned off to make room for the new one ("" when the browser did not say which).
    let released = undefined as string | undefined;
    try {
      await this.replace("video", async () => {
        try {
          return await this.capture({ video });
        } catch (error) {
          const live = stream?.getVideoTracks().filter((t) => t.readyState === "live") ?? [];
          if (!isDeviceBusy(error) || live.length === 0) {
            throw error;
          }
          released = live[0]?.getSettings().deviceId ?? "";
          live.forEach((t) => t.stop());
          return await this.capture({ video });
        }
      });
    } catch (error) {
      if (released !== undefined && stream === this.stream) {
        const previous = released === "" ? true : { deviceId: { exact: released } };
        await this.replace("video", () => this.capture({ video: previous })).catch((again: unknown) =>
          console.warn("The camera the call had could not be opened again.", again),
        );
      }
      throw error;
    }
  }

  private async capture(constraints: MediaStreamConstraints): Promise<MediaStreamTrack> {
    const stream = await navigator.mediaDevices.getUserMedia(constraints);
    const [track] = stream.getTracks();
    if (track === undefined) {
      throw new Error("The browser gave no track.");
    }
    return track;
  }

  /** Opens a new track of `kind` and puts it on the call's senders and in the local stream; the old one is stopped. */
  private async replace(kind: "audio" | "video", open: () => Promise<MediaStreamTrack>): Promise<MediaStreamTrack | null> {
    const stream = this.stream;
    const track = await open();
    if (stream === null || stream !== this.stream) {
      track.stop();
      return null;
    }
    track.enabled = kind === "audio" ? this.phone.mediaState.audio : this.phone.mediaState.video;
    // A media reconnect (or a resume) may move the call to a new connection while the senders take the track: made on
    // the local stream, which still has the old track, that one is switched in its turn, until none is left out. The
    // stream takes the new track below with no wait after the last look, so a connection made later starts on it.
    const switched = new Set<RTCRtpSender>();
    try {
      let replacing = this.putOnSenders(kind, track, switched);
      while (replacing.length > 0) {
        await Promise.all(replacing);
        // Never onto the connection of a call begun meanwhile (this one's stream is gone: the track stops below).
        replacing = stream === this.stream ? this.putOnSenders(kind, track, switched) : [];
      }
    } catch (error) {
      track.stop();
      throw error;
    }
    if (stream !== this.stream) {
      // The call ended (or another began) while the senders took the track: its stream is gone, and so must the track,
      // or the camera (or the screen capture) stays on with nothing holding it.
      track.stop();
      return null;
    }
    for (const old of kind === "audio" ? stream.getAudioTracks() : stream.getVideoTracks()) {
      stream.removeTrack(old);
      old.stop();
    }
    stream.addTrack(track);
    return track;
  }

  /**
   * Puts `track` on the senders of `kind` not in `switched` yet, of every connection sending the page's media: the held
   * one too, while the signaling connection comes back (it still carries the call). Only the call's own connection
   * failing fails the switch; a held one may close meanwhile (the resume's connection took over), and so may the one a
   * media reconnect replaced.
   */
  private putOnSenders(kind: "audio" | "video", track: MediaStreamTrack, switched: Set<RTCRtpSender>): Promise<void>[] {
    return this.phone.peerConnections.flatMap((pc) =>
      pc
        .getSenders()
        .filter((s) => s.track?.kind === kind && !switched.has(s))
        .map((sender) => {
          switched.add(sender);
          return sender.replaceTrack(track).catch((error: unknown) => {
            if (pc === this.phone.peerConnection) {
              throw error;
            }
          });
        }),
    );
  }
}

/** Whether opening a device failed because it could not start: in use, or (many Android phones) another camera is open. */
function isDeviceBusy(error: unknown): boolean {
  const name = typeof error === "object" && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === "NotReadableError" || name === "AbortError";
}

/** Whether opening the media failed because an exactly chosen device is not there (unplugged, or another id now). */
function isDeviceGone(error: unknown): boolean {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const name = typeof cause === "object" && cause !== null ? (cause as { name?: unknown }).name : undefined;
  return name === "OverconstrainedError" || name === "NotFoundError";
}
