import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { FeatureView } from "../../src/feature-view.js";
import { Softphone } from "../../src/softphone.js";
import { PhoneView } from "../../src/ui.js";
import { FakeClient, settle } from "./softphone-fakes.js";

/** Just enough of an element for PhoneView and FeatureView: what it shows, whether it is hidden or disabled, and its listeners. */
class FakeElement {
  hidden = false;
  disabled = false;
  textContent = "";
  value = "";
  readonly dataset: Record<string, string> = {};
  readonly classList = { toggle: (): void => undefined };
  private readonly listeners = new Map<string, ((event: unknown) => void)[]>();

  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  focus(): void {}

  click(): void {
    for (const listener of this.listeners.get("click") ?? []) {
      listener({ preventDefault: () => undefined });
    }
  }
}

class FakeInputElement extends FakeElement {}
class FakeButtonElement extends FakeElement {}
class FakeFormElement extends FakeElement {}
class FakeVideoElement extends FakeElement {}
class FakeSelectElement extends FakeElement {}
class FakeUListElement extends FakeElement {}

/** The elements index.html declares that are not plain HTMLElements, by id. */
const kinds: Readonly<Record<string, typeof FakeElement>> = {
  name: FakeInputElement,
  peer: FakeInputElement,
  register: FakeButtonElement,
  "sign-out": FakeButtonElement,
  call: FakeButtonElement,
  hangup: FakeButtonElement,
  accept: FakeButtonElement,
  reject: FakeButtonElement,
  "register-form": FakeFormElement,
  "call-form": FakeFormElement,
  "local-video": FakeVideoElement,
  "remote-video": FakeVideoElement,
  "mute-audio": FakeButtonElement,
  "mute-video": FakeButtonElement,
  "share-screen": FakeButtonElement,
  "clear-missed": FakeButtonElement,
  "camera-select": FakeSelectElement,
  "microphone-select": FakeSelectElement,
  "online-users": FakeUListElement,
  "missed-list": FakeUListElement,
};

const domGlobals = [
  "document",
  "HTMLElement",
  "HTMLInputElement",
  "HTMLButtonElement",
  "HTMLFormElement",
  "HTMLVideoElement",
  "HTMLSelectElement",
  "HTMLUListElement",
] as const;

/** A document of fake elements, made as PhoneView asks for them; `byId` finds one again. */
function useFakeDocument(): { byId: (id: string) => FakeElement } {
  const elements = new Map<string, FakeElement>();
  const byId = (id: string): FakeElement => {
    let found = elements.get(id);
    if (found === undefined) {
      found = new (kinds[id] ?? FakeElement)();
      elements.set(id, found);
    }
    return found;
  };
  const values: Record<(typeof domGlobals)[number], unknown> = {
    document: { body: new FakeElement(), title: "", getElementById: byId },
    HTMLElement: FakeElement,
    HTMLInputElement: FakeInputElement,
    HTMLButtonElement: FakeButtonElement,
    HTMLFormElement: FakeFormElement,
    HTMLVideoElement: FakeVideoElement,
    HTMLSelectElement: FakeSelectElement,
    HTMLUListElement: FakeUListElement,
  };
  for (const name of domGlobals) {
    Object.defineProperty(globalThis, name, { configurable: true, writable: true, value: values[name] });
  }
  return { byId };
}

/**
 * The fake document for each test of the describe block it is called in, the real globals put back after each; returns
 * the element lookup of the current test's document.
 */
function fakeDocumentEachTest(): (id: string) => FakeElement {
  const originals = domGlobals.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)] as const);
  let byId: (id: string) => FakeElement = () => {
    throw new Error("no fake document outside a test");
  };
  beforeEach(() => {
    ({ byId } = useFakeDocument());
  });
  afterEach(() => {
    for (const [name, original] of originals) {
      if (original) {
        Object.defineProperty(globalThis, name, original);
      } else {
        delete (globalThis as Record<string, unknown>)[name];
      }
    }
  });
  return (id) => byId(id);
}

describe("PhoneView", () => {
  const byId = fakeDocumentEachTest();

  it("offers Sign out while registering, so a registration that hangs can be given up", async () => {
    const client = new FakeClient();
    // The server does not answer the registration (slow, or the connection is coming back).
    client.registerOutcome = () => new Promise(() => {});
    const phone = new Softphone(client.asClient, { openMediaWhileRinging: false });
    const view = new PhoneView();
    phone.on("stateChange", (snapshot) => view.render(snapshot));
    // As the page binds it (page.ts): signing out is the phone's unregister().
    const none = (): void => undefined;
    view.bind({ register: (name) => phone.register(name), signOut: () => phone.unregister(), call: none, hangUp: none, accept: none, reject: none });
    view.render(phone.current);
    const signOut = byId("sign-out");
    assert.equal(signOut.hidden, true, "nothing to sign out of before registering");

    phone.register("alice");
    await settle();
    assert.equal(phone.state, "registering");
    assert.equal(signOut.hidden, false, "Sign out is offered while the registration is on its way");

    signOut.click();
    await settle();

    assert.equal(phone.state, "idle", "the registration is given up");
    assert.equal(client.unregistered, 1, "and the server is told");
    assert.equal(signOut.hidden, true);
    assert.equal((byId("name") as FakeInputElement).disabled, false, "a name can be registered again");
  });

  it("offers Sign out once registered and in a call, never when not registered", () => {
    const view = new PhoneView();
    const signOut = byId("sign-out");
    for (const [state, hidden] of [["idle", true], ["registered", false], ["in-call", false]] as const) {
      view.render({ state, user: state === "idle" ? null : "alice", peer: state === "in-call" ? "bob" : null });
      assert.equal(signOut.hidden, hidden, state);
    }
  });
});

describe("FeatureView", () => {
  const byId = fakeDocumentEachTest();

  it("hides the share-screen button where the browser cannot share a screen, and shows it where it can", () => {
    const view = new FeatureView();
    const share = byId("share-screen");

    view.renderCanShareScreen(false);
    assert.equal(share.hidden, true, "iOS Safari, Chrome and Firefox for Android: no button that can only fail");

    view.renderCanShareScreen(true);
    assert.equal(share.hidden, false);
  });
});
