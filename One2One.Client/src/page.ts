// Starts the page: the SDK's Softphone on the hub at /one2one (with the sign-in token the page was opened with, or the one
// its tab kept from before a reload), shown by PhoneView. The page clears its message whenever the person acts or a call rings.

import { openLocalMedia } from "./call.js";
import { FeatureView } from "./feature-view.js";
import { MediaDevicesControl } from "./features/devices.js";
import { CallStatsMonitor } from "./features/call-stats.js";
import { MediaStateSync } from "./features/media-state.js";
import { MissedCalls } from "./features/missed-calls.js";
import { Presence } from "./features/presence.js";
import { RingNotifier } from "./features/ring-notifier.js";
import { Tones } from "./features/tones.js";
import { WaitingLock } from "./features/waiting-lock.js";
import { pageReconnectPolicy } from "./reconnect-policy.js";
import { rememberForResume, resumeAfterReload } from "./resume-storage.js";
import { One2OneClient } from "./signaling.js";
import { forgetSignIn, keepSignIn, tabSignInToken } from "./sign-in-storage.js";
import { Softphone } from "./softphone.js";
import { takeTokenFromAddress } from "./token.js";
import { PhoneView } from "./ui.js";

/** The page's phone and its features, for the test hook. */
export interface PageParts {
  readonly phone: Softphone;
  readonly tones: Tones;
}

export function startPage(): PageParts {
  // A reload (which resumes a held call) signs in with the token the tab kept; a new ?token= replaces it.
  const token = tabSignInToken(takeTokenFromAddress());
  const client = new One2OneClient(
    token === null
      ? { url: "/one2one", reconnectPolicy: pageReconnectPolicy }
      : { url: "/one2one", reconnectPolicy: pageReconnectPolicy, accessTokenFactory: () => token },
  );
  // The chosen camera and microphone open each call (MediaDevicesControl is made just below, before any call).
  let devices: MediaDevicesControl | null = null;
  const phone = new Softphone(client, { openMedia: () => (devices === null ? openLocalMedia() : devices.open()) });
  devices = new MediaDevicesControl(phone);
  const view = new PhoneView();
  phone.on("stateChange", (snapshot) => {
    if (snapshot.state === "incoming") {
      view.clearMessage();
    }
    view.render(snapshot);
  });
  phone.on("notice", (notice) => view.showMessage(notice.text, notice.kind, notice.about));
  phone.on("localStream", (stream) => view.showLocalStream(stream));
  phone.on("remoteStream", (stream) => view.showRemoteStream(stream));
  phone.on("reconnectChange", (state) => view.showReconnecting(state.self, state.peer));
  const acting = <A extends unknown[]>(action: (...args: A) => void) => (...args: A): void => {
    view.clearMessage();
    action(...args);
  };
  const ringNotifier = new RingNotifier(phone);
  view.bind({
    register: acting((name: string) => {
      if (token !== null) {
        // Signed out and registering again in this tab: a reload signs in again.
        keepSignIn(token);
      }
      phone.register(name);
      // Within the click: a ring on this page while it is hidden is then shown as a notification too.
      ringNotifier.askPermission();
    }),
    signOut: acting(() => {
      forgetSignIn();
      phone.unregister();
    }),
    call: acting((peer: string) => phone.call(peer)),
    accept: acting(() => phone.accept()),
    reject: acting(() => phone.reject()),
    hangUp: acting(() => phone.hangUp()),
  });
  view.render(phone.current);
  const tones = startFeatures(client, phone, devices, acting, (text) => view.showMessage(text, "error"));
  // A reload comes back into the call it was in (the server holds it for Calls:ReconnectWindow), without calling again;
  // an idle page keeps its name.
  rememberForResume(phone);
  resumeAfterReload(phone);
  return { phone, tones };
}

/**
 * The features beside the basic phone: mute both ways, call quality, the timer, who is online, missed calls, tones, and
 * the Web Lock that keeps a registered page from being put to sleep (it lives as long as the page).
 */
function startFeatures(
  client: One2OneClient,
  phone: Softphone,
  devices: MediaDevicesControl,
  acting: <A extends unknown[]>(action: (...args: A) => void) => (...args: A) => void,
  showError: (text: string) => void,
): Tones {
  const view = new FeatureView();
  const mediaState = new MediaStateSync(client, phone);
  const stats = new CallStatsMonitor(phone);
  const presence = new Presence(client, phone);
  const missed = new MissedCalls(client, phone);
  const tones = new Tones(phone);
  new WaitingLock(phone);
  phone.on("stateChange", (snapshot) => view.renderCall(snapshot, phone.callConnectedAt));
  phone.on("mediaStateChange", (state) => view.renderMediaState(state));
  mediaState.on("peerMediaState", (state) => view.renderPeerMediaState(state));
  stats.on("quality", (quality) => view.renderQuality(quality));
  presence.on("change", (names) => view.renderOnlineUsers(presence.enabled, names));
  missed.on("change", (calls) => view.renderMissedCalls(calls));
  view.bind({
    setMicrophoneEnabled: (enabled) => phone.setMicrophoneEnabled(enabled),
    setCameraEnabled: (enabled) => phone.setCameraEnabled(enabled),
    call: acting((peer: string) => phone.call(peer)),
    clearMissedCalls: () => missed.clear(),
    useCamera: (deviceId) => void devices.useCamera(deviceId),
    useMicrophone: (deviceId) => void devices.useMicrophone(deviceId),
    shareScreen: () => void devices.shareScreen(),
    stopSharing: () => void devices.stopSharing(),
  });
  devices.on("devices", (list) => view.renderDevices(list, devices.selected));
  devices.on("sharing", (sharing) => view.renderSharing(sharing));
  devices.on("error", (message) => showError(message));
  void devices.refresh();
  view.renderCall(phone.current, phone.callConnectedAt);
  view.renderMediaState(phone.mediaState);
  view.renderCanShareScreen(devices.canShareScreen);
  return tones;
}
