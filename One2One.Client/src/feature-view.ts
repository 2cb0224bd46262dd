// The page's softphone features: the call bar (timer, mute buttons), the peer's mute badges, the call quality box,
// the list of who is online and the missed calls. Like PhoneView it finds what index.html declares and decides
// nothing about calls: it renders what the SDK's features report and turns clicks into actions.

import type { MediaState } from "./contract.js";
import { type CallQuality, formatDuration } from "./features/call-quality.js";
import type { DeviceList } from "./features/devices.js";
import type { MissedCall } from "./features/missed-calls.js";
import { inSentence } from "./names.js";
import type { PhoneSnapshot } from "./state.js";
import { element } from "./ui.js";

export interface FeatureActions {
  setMicrophoneEnabled(enabled: boolean): void;
  setCameraEnabled(enabled: boolean): void;
  call(peer: string): void;
  clearMissedCalls(): void;
  useCamera(deviceId: string): void;
  useMicrophone(deviceId: string): void;
  shareScreen(): void;
  stopSharing(): void;
}

export class FeatureView {
  private readonly callBar = element("call-bar", HTMLElement);
  private readonly timer = element("call-timer", HTMLElement);
  private readonly muteAudio = element("mute-audio", HTMLButtonElement);
  private readonly muteVideo = element("mute-video", HTMLButtonElement);
  private readonly peerMutedAudio = element("peer-muted-audio", HTMLElement);
  private readonly peerMutedVideo = element("peer-muted-video", HTMLElement);
  private readonly stats = element("call-stats", HTMLElement);
  private readonly grade = element("quality-grade", HTMLElement);
  private readonly presence = element("presence", HTMLElement);
  private readonly onlineUsers = element("online-users", HTMLUListElement);
  private readonly onlineHint = element("online-hint", HTMLElement);
  private readonly missed = element("missed-calls", HTMLElement);
  private readonly missedList = element("missed-list", HTMLUListElement);
  private readonly clearMissed = element("clear-missed", HTMLButtonElement);
  private readonly cameraSelect = element("camera-select", HTMLSelectElement);
  private readonly microphoneSelect = element("microphone-select", HTMLSelectElement);
  private readonly shareScreen = element("share-screen", HTMLButtonElement);
  private timerHandle: ReturnType<typeof setInterval> | null = null;
  private timerSince: number | null = null;
  private canCall = false;
  private actions: FeatureActions | null = null;

  bind(actions: FeatureActions): void {
    this.actions = actions;
    this.muteAudio.addEventListener("click", () => actions.setMicrophoneEnabled(this.muteAudio.getAttribute("aria-pressed") === "true"));
    this.muteVideo.addEventListener("click", () => actions.setCameraEnabled(this.muteVideo.getAttribute("aria-pressed") === "true"));
    this.clearMissed.addEventListener("click", () => actions.clearMissedCalls());
    this.cameraSelect.addEventListener("change", () => this.cameraSelect.value !== "" && actions.useCamera(this.cameraSelect.value));
    this.microphoneSelect.addEventListener("change", () => this.microphoneSelect.value !== "" && actions.useMicrophone(this.microphoneSelect.value));
    this.shareScreen.addEventListener("click", () =>
      this.shareScreen.getAttribute("aria-pressed") === "true" ? actions.stopSharing() : actions.shareScreen(),
    );
  }

  /** `connectedAt`: when the call first connected (Softphone.callConnectedAt), so a resumed call's timer goes on. */
  renderCall(snapshot: PhoneSnapshot, connectedAt: number | null): void {
    const { state } = snapshot;
    this.callBar.hidden = state !== "calling" && state !== "connecting" && state !== "in-call";
    if (connectedAt !== null) {
      this.startTimer(connectedAt);
    } else {
      this.stopTimer();
    }
    this.canCall = state === "registered";
    for (const button of this.onlineUsers.querySelectorAll("button")) {
      button.disabled = !this.canCall;
    }
  }

  renderMediaState(state: MediaState): void {
    this.muteAudio.setAttribute("aria-pressed", String(!state.audio));
    this.muteVideo.setAttribute("aria-pressed", String(!state.video));
  }

  renderDevices(list: DeviceList, selected: { readonly camera: string | null; readonly microphone: string | null }): void {
    fill(this.cameraSelect, list.cameras, selected.camera, "Camera");
    fill(this.microphoneSelect, list.microphones, selected.microphone, "Microphone");
  }

  /** Hidden, not just disabled, where the browser cannot share a screen (iOS Safari, Chrome and Firefox for Android). */
  renderCanShareScreen(can: boolean): void {
    this.shareScreen.hidden = !can;
  }

  renderSharing(sharing: boolean): void {
    // A toggle keeps its name; aria-pressed says whether it is on ("Share screen, pressed").
    this.shareScreen.setAttribute("aria-pressed", String(sharing));
  }

  renderPeerMediaState(state: MediaState): void {
    this.peerMutedAudio.hidden = state.audio;
    this.peerMutedVideo.hidden = state.video;
  }

  renderQuality(quality: CallQuality | null): void {
    this.stats.hidden = quality === null;
    this.stats.dataset["quality"] = quality?.grade ?? "";
    if (quality === null) {
      return;
    }
    this.grade.textContent = `${quality.grade} connection`;
    this.stat("rtt", quality.roundTripTimeMs === null ? "–" : `${Math.round(quality.roundTripTimeMs)} ms`);
    this.stat("bitrate-in", `${Math.round(quality.bitrateInKbps)} kbit/s`);
    this.stat("bitrate-out", `${Math.round(quality.bitrateOutKbps)} kbit/s`);
    this.stat("loss", `${quality.packetLossPercent.toFixed(1)} %`);
    this.stat("resolution", quality.resolution ?? "–");
    this.stat("fps", quality.framesPerSecond === null ? "–" : `${Math.round(quality.framesPerSecond)} fps`);
  }

  /**
   * The list of who is online; hidden while the server sends none (Presence:Enabled false, or not registered). Updated in
   * place: the entries of those still online stay as they are (a screen reader in the list is not sent back to its top,
   * and the keyboard focus stays), those who left go and those who came are put in their places.
   */
  renderOnlineUsers(enabled: boolean, names: readonly string[]): void {
    this.presence.hidden = !enabled;
    this.onlineHint.hidden = names.length > 0;
    const focused = this.focusedOnlineEntry();
    const online = new Set(names);
    const kept = new Map<string, HTMLLIElement>();
    for (const item of Array.from(this.onlineUsers.children) as HTMLLIElement[]) {
      const name = item.dataset["name"] ?? "";
      if (online.has(name) && !kept.has(name)) {
        kept.set(name, item);
      } else {
        item.remove();
      }
    }
    // In the list's order: each entry goes before the one now in its place (nothing moves that is already there).
    names.forEach((name, index) => {
      const item = kept.get(name) ?? this.onlineEntry(name);
      const inPlace = this.onlineUsers.children[index] ?? null;
      if (inPlace !== item) {
        this.onlineUsers.insertBefore(item, inPlace);
      }
    });
    if (focused !== null && !this.onlineUsers.contains(document.activeElement)) {
      // The focused person left (or their entry had to move): the focus goes to the entry that took their place rather
      // than falling to the page's body.
      const items = Array.from(this.onlineUsers.children) as HTMLLIElement[];
      const entry = items.find((item) => item.dataset["name"] === focused.name) ?? items[Math.min(focused.index, items.length - 1)];
      entry?.querySelector("button")?.focus();
    }
  }

  private onlineEntry(name: string): HTMLLIElement {
    const item = document.createElement("li");
    item.dataset["name"] = name;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = name;
    button.setAttribute("aria-label", `Call ${inSentence(name)}`);
    button.disabled = !this.canCall;
    button.addEventListener("click", () => this.actions?.call(name));
    item.append(button);
    return item;
  }

  /** The entry of the online list that has the keyboard focus, if any. */
  private focusedOnlineEntry(): { readonly name: string; readonly index: number } | null {
    const active = document.activeElement;
    const item = active instanceof HTMLElement && this.onlineUsers.contains(active) ? active.closest("li") : null;
    if (item === null) {
      return null;
    }
    return { name: item.dataset["name"] ?? "", index: Array.prototype.indexOf.call(this.onlineUsers.children, item) };
  }

  renderMissedCalls(calls: readonly MissedCall[]): void {
    this.missed.hidden = calls.length === 0;
    this.missedList.replaceChildren(
      ...calls.map((call) => {
        const item = document.createElement("li");
        item.textContent = `${inSentence(call.from)} at ${call.at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`;
        return item;
      }),
    );
  }

  private stat(name: string, text: string): void {
    const cell = this.stats.querySelector<HTMLElement>(`[data-stat="${name}"]`);
    if (cell !== null) {
      cell.textContent = text;
    }
  }

  private startTimer(since: number): void {
    if (this.timerHandle !== null && this.timerSince === since) {
      return;
    }
    this.stopTimer();
    this.timerSince = since;
    const show = () => {
      this.timer.textContent = formatDuration(Math.max(0, Date.now() - since));
    };
    show();
    this.timerHandle = setInterval(show, 250);
  }

  private stopTimer(): void {
    if (this.timerHandle !== null) {
      clearInterval(this.timerHandle);
      this.timerHandle = null;
    }
    this.timerSince = null;
    this.timer.textContent = formatDuration(0);
  }
}

/** The devices as options, labelled by name (or "Camera 2" before the browser tells names), the one in use selected. */
function fill(select: HTMLSelectElement, devices: readonly MediaDeviceInfo[], selected: string | null, noun: string): void {
  if (devices.length === 0) {
    return;
  }
  select.replaceChildren(
    ...devices.map((device, index) => {
      const option = document.createElement("option");
      option.value = device.deviceId;
      option.textContent = device.label || `${noun} ${index + 1}`;
      option.selected = device.deviceId === selected;
      return option;
    }),
  );
}
