// Starts the page: the SDK's Softphone on the hub at /one2one (with the sign-in token if the page was given one),
// shown by PhoneView. The page clears its message whenever the person acts or a call rings.

import { rememberForResume, resumeAfterReload } from "./resume-storage.js";
import { One2OneClient } from "./signaling.js";
import { Softphone } from "./softphone.js";
import { takeTokenFromAddress } from "./token.js";
import { PhoneView } from "./ui.js";

export function startPage(): Softphone {
  const token = takeTokenFromAddress();
  const client = new One2OneClient(token === null ? { url: "/one2one" } : { url: "/one2one", accessTokenFactory: () => token });
  const phone = new Softphone(client);
  const view = new PhoneView();
  phone.on("stateChange", (snapshot) => {
    if (snapshot.state === "incoming") {
      view.clearMessage();
    }
    view.render(snapshot);
  });
  phone.on("notice", (notice) => view.showMessage(notice.text, notice.kind));
  phone.on("localStream", (stream) => view.showLocalStream(stream));
  phone.on("remoteStream", (stream) => view.showRemoteStream(stream));
  phone.on("reconnectChange", (state) => view.showReconnecting(state.self, state.peer));
  const acting = <A extends unknown[]>(action: (...args: A) => void) => (...args: A): void => {
    view.clearMessage();
    action(...args);
  };
  view.bind({
    register: acting((name: string) => phone.register(name)),
    call: acting((peer: string) => phone.call(peer)),
    accept: acting(() => phone.accept()),
    reject: acting(() => phone.reject()),
    hangUp: acting(() => phone.hangUp()),
  });
  view.render(phone.current);
  // A reload during a call comes back into it (the server holds it for Calls:ResumeWindow), without calling again.
  rememberForResume(phone);
  resumeAfterReload(phone);
  return phone;
}
