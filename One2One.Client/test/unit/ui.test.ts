import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { FeatureView } from "../../src/feature-view.js";
import { Softphone } from "../../src/softphone.js";
import { PhoneView } from "../../src/ui.js";
import { FakeClient, settle } from "./softphone-fakes.js";

/** Just enough of an element for PhoneView and FeatureView: what it shows, whether it is hidden or disabled, and its listeners. */
/** The fake document's focused element (document.activeElement). */
let focused: FakeElement | null = null;

class FakeElement {
  hidden = false;
  disabled = false;
  inert = false;
  isConnected = true;
  textContent = "";
  value = "";
  readonly dataset: Record<string, string> = {};
  readonly attributes = new Map<string, string>();
  readonly classList = { toggle: (): void => undefined };
  private readonly listeners = new Map<string, ((event: unknown) => void)[]>();

  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  focus(): void {
    focused = this;
  }

  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }

  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }

  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }

  click(): void {
    this.dispatch("click", { preventDefault: () => undefined });
  }

  dispatch(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) {
      listener(event);
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

/** The document itself: its elements by id, its focus, and its own listeners (keydown). */
function fakeDocument(byId: (id: string) => FakeElement): FakeElement {
  const document = Object.assign(new FakeElement(), { body: new FakeElement(), title: "", getElementById: byId });
  Object.defineProperty(document, "activeElement", { get: () => focused });
  return document;
}

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
  focused = null;
  const values: Record<(typeof domGlobals)[number], unknown> = {
    document: fakeDocument(byId),
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

describe("PhoneView and the keyboard", () => {
  const byId = fakeDocumentEachTest();
  const registered = { state: "registered", user: "alice", peer: null } as const;
  const ringing = { state: "incoming", user: "alice", peer: "bob" } as const;

  function boundView(actions: Partial<{ reject: () => void }> = {}): PhoneView {
    const view = new PhoneView();
    const none = (): void => undefined;
    view.bind({ register: none, signOut: none, call: none, hangUp: none, accept: none, reject: actions.reject ?? none });
    return view;
  }

  it("moves the focus to Hang up when the person dials or answers, not on a resume nobody pressed", () => {
    const view = boundView();
    view.render(registered);
    view.render({ state: "calling", user: "alice", peer: "bob" });
    assert.equal(focused, byId("hangup"), "Call is disabled under the focus: it goes to what can be pressed now");

    view.render(registered);
    view.render(ringing);
    assert.equal(focused, byId("accept"));
    view.render({ state: "connecting", user: "alice", peer: "bob" });
    assert.equal(focused, byId("hangup"), "Accept is hidden under the focus");

    byId("camera-select").focus();
    view.render({ state: "registering", user: "alice", peer: null });
    view.render({ state: "connecting", user: "alice", peer: "bob" });
    assert.equal(focused, byId("camera-select"), "a resumed call takes no focus");
  });

  it("makes the rest of the page inert while ringing, declines on Escape, and gives the focus back after", () => {
    let rejected = 0;
    const view = boundView({ reject: () => rejected++ });
    view.render(registered);
    byId("camera-select").focus();

    view.render(ringing);
    assert.equal(byId("call-form").inert, true, "nothing outside the prompt can be reached while it rings");
    assert.equal(byId("devices").inert, true);
    assert.equal(byId("error").inert, false, "a message shown while it rings is still read out");
    (document as unknown as FakeElement).dispatch("keydown", { key: "Escape", preventDefault: () => undefined });
    assert.equal(rejected, 1);

    view.render(registered);
    assert.equal(byId("call-form").inert, false);
    assert.equal(focused, byId("camera-select"), "the focus goes back where it was before the ring");
  });

  it("marks the name field invalid while a refusal of the name is shown, until the name is changed", () => {
    const view = boundView();
    view.render({ state: "registering", user: "alice", peer: null });
    view.render({ state: "idle", user: null, peer: null });

    view.showMessage("The connection to the server was lost. Register again to make or take calls.");
    assert.equal(byId("name").getAttribute("aria-invalid"), null, "not about the name");

    view.showMessage("That name is already registered.", "error", "name");
    assert.equal(byId("name").getAttribute("aria-invalid"), "true");

    byId("name").dispatch("input", {});
    assert.equal(byId("name").getAttribute("aria-invalid"), null);
  });

  it("never hides the reconnecting status region, only empties it, so its words are read out when they come", () => {
    const view = boundView();
    view.render({ state: "in-call", user: "alice", peer: "bob" });
    const region = byId("call-reconnecting");

    view.showReconnecting(false, true);
    assert.equal(region.textContent, "bob is reconnecting…");
    view.showReconnecting(false, false);

    assert.equal(region.textContent, "");
    assert.equal(region.hidden, false);
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
