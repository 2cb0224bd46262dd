// Mute state both ways: tells the server this side's MediaState while in a call (hub method SetMediaState) and
// reports the peer's (callback PeerMediaState). The server relays only during a call, so this side sends its
// state on every change in a call, once when a call connects (a mute chosen before the call is not lost), and once
// when the peer's page is back from reconnecting (a page that reloaded or lost its connection forgot the peer's state).

import type { MediaState } from "../contract.js";
import { Emitter } from "../emitter.js";
import type { One2OneClient } from "../signaling.js";
import type { Softphone } from "../softphone.js";

export interface MediaStateSyncEvents {
  /** The peer's state; all on when a call starts and after it ends. */
  peerMediaState(state: MediaState): void;
}

const allOn: MediaState = { audio: true, video: true };

export class MediaStateSync {
  private peer: MediaState = allOn;
  private readonly events = new Emitter<MediaStateSyncEvents>();

  constructor(client: One2OneClient, private readonly phone: Softphone) {
    client.on("peerMediaState", (state) => {
      if (this.phone.state === "in-call" || this.phone.state === "connecting") {
        this.setPeer({ audio: state.audio, video: state.video });
      }
    });
    let previous = phone.state;
    phone.on("stateChange", (snapshot) => {
      if (snapshot.state === "in-call" && previous !== "in-call") {
        const mine = phone.mediaState;
        if (!mine.audio || !mine.video) {
          this.send(client, mine);
        }
      } else if (snapshot.state !== "in-call" && snapshot.state !== "connecting") {
        this.setPeer(allOn);
      }
      previous = snapshot.state;
    });
    client.on("peerReconnected", () => {
      // The server's word that the peer is back, not the page's reconnect state (which also clears when a call ends).
      const mine = phone.mediaState;
      if (this.phone.state === "in-call" && (!mine.audio || !mine.video)) {
        this.send(client, mine);
      }
    });
    phone.on("mediaStateChange", (state) => {
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
