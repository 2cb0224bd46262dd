// Mute state both ways: tells the server this side's MediaState while in a call (hub method SetMediaState) and
// reports the peer's (callback PeerMediaState). The server relays only during a call, so this side sends its
// state on every change in a call, once whenever a call connects or resumes (a mute chosen before the call, or an
// unmute made while the call was held, is not lost), and, when muted, once when the peer's page is back from
// reconnecting (a page that reloaded or lost its connection forgot the peer's state and shows it all on).

import type { MediaState } from "../contract.js";
import { Emitter, Subscriptions } from "../emitter.js";
import type { One2OneClient, One2OneClientEvents } from "../signaling.js";
import type { Softphone, SoftphoneEvents } from "../softphone.js";

export interface MediaStateSyncEvents {
  /** The peer's state; all on when a call starts and after it ends. */
  peerMediaState(state: MediaState): void;
}

const allOn: MediaState = { audio: true, video: true };

export class MediaStateSync {
  private peer: MediaState = allOn;
  private readonly events = new Emitter<MediaStateSyncEvents>();
  private readonly fromClient: Subscriptions<One2OneClientEvents>;
  private readonly fromPhone: Subscriptions<SoftphoneEvents>;

  constructor(client: One2OneClient, private readonly phone: Softphone) {
    this.fromClient = new Subscriptions<One2OneClientEvents>(client);
    this.fromPhone = new Subscriptions<SoftphoneEvents>(phone);
    this.fromClient.on("peerMediaState", (state) => {
      if (this.phone.state === "in-call" || this.phone.state === "connecting") {
        this.setPeer({ audio: state.audio, video: state.video });
      }
    });
    let previous = phone.state;
    this.fromPhone.on("stateChange", (snapshot) => {
      if (snapshot.state === "in-call" && previous !== "in-call") {
        // Always, muted or not: a call resumed after this page lost its connection (or reloaded) may have changed its
        // state meanwhile (an unmute while the call was held never reached the peer, whose page still shows it muted).
        this.send(client, phone.mediaState);
      } else if (snapshot.state !== "in-call" && snapshot.state !== "connecting") {
        this.setPeer(allOn);
      }
      previous = snapshot.state;
    });
    this.fromClient.on("peerReconnected", () => {
      // The server's word that the peer is back, not the page's reconnect state (which also clears when a call ends).
      const mine = phone.mediaState;
      if (this.phone.state === "in-call" && (!mine.audio || !mine.video)) {
        this.send(client, mine);
      }
    });
    this.fromPhone.on("mediaStateChange", (state) => {
      if (this.phone.state === "in-call") {
        this.send(client, state);
      }
    });
  }

  get peerState(): MediaState {
    return this.peer;
  }

  on<K extends keyof MediaStateSyncEvents>(event: K, listener: MediaStateSyncEvents[K]): void {
    this.events.on(event, listener);
  }

  off<K extends keyof MediaStateSyncEvents>(event: K, listener: MediaStateSyncEvents[K]): void {
    this.events.off(event, listener);
  }

  /** Stops following the client and the phone: nothing is sent or reported any more. */
  dispose(): void {
    this.fromClient.dispose();
    this.fromPhone.dispose();
  }

  private send(client: One2OneClient, state: MediaState): void {
    client.hub.setMediaState({ audio: state.audio, video: state.video }).catch((error: unknown) => console.warn("SetMediaState was refused", error));
  }

  private setPeer(state: MediaState): void {
    if (state.audio === this.peer.audio && state.video === this.peer.video) {
      return;
    }
    this.peer = state;
    this.events.emit("peerMediaState", state);
  }
}
