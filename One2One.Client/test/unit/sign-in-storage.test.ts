import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { forgetSignIn, keepSignIn, tabSignInToken } from "../../src/sign-in-storage.js";
import { takeTokenFromAddress } from "../../src/token.js";
import { MemoryStorage } from "./memory-storage.js";

/** The tab's address bar (window.location and history.replaceState, as token.ts uses them). */
class FakeAddressBar {
  private address = "https://one2one.test/";

  constructor() {
    const bar = this;
    (globalThis as { window?: unknown }).window = {
      location: {
        get href(): string {
          return bar.address;
        },
      },
      history: {
        state: null,
        replaceState(_state: unknown, _unused: string, url: string): void {
          bar.address = new URL(url, bar.address).href;
        },
      },
    };
  }

  /** The person opens `path` in this tab (a link with a fresh ?token=, say). A reload opens what the bar shows. */
  open(path: string): void {
    this.address = new URL(path, this.address).href;
  }

  get path(): string {
    const url = new URL(this.address);
    return url.pathname + url.search + url.hash;
  }
}

/** What page.ts does as it starts: the token from the address, else the tab's. */
const startPage = (storage: Storage): string | null => tabSignInToken(takeTokenFromAddress(), storage);

describe("the tab's sign-in token (Auth:Mode=Jwt)", () => {
  afterEach(() => {
    delete (globalThis as { window?: unknown }).window;
  });

  it("a reload of the tab signs in again with the token the page was opened with, which stays out of the address bar", () => {
    const storage = new MemoryStorage();
    const bar = new FakeAddressBar();
    bar.open("/?token=eyJ.alice&lang=en#top");

    assert.equal(startPage(storage), "eyJ.alice");
    assert.equal(bar.path, "/?lang=en#top");

    assert.equal(startPage(storage), "eyJ.alice", "reloaded: without it the server refuses (401) and the held call is lost");
    assert.equal(startPage(storage), "eyJ.alice", "and on the next reload");
  });

  it("a page opened with a new ?token= signs in with it, and the tab keeps the new one", () => {
    const storage = new MemoryStorage();
    const bar = new FakeAddressBar();
    bar.open("/?token=old");
    startPage(storage);

    bar.open("/?token=new");
    assert.equal(startPage(storage), "new");
    assert.equal(startPage(storage), "new", "reloaded");
  });

  it("signing out forgets it: a reload afterwards is not signed in; registering again in the tab keeps it again", () => {
    const storage = new MemoryStorage();
    new FakeAddressBar().open("/?token=eyJ.alice");
    assert.equal(startPage(storage), "eyJ.alice");

    forgetSignIn(storage);
    assert.equal(startPage(storage), null, "reloaded after signing out");
    assert.equal(storage.length, 0);

    keepSignIn("eyJ.alice", storage);
    assert.equal(startPage(storage), "eyJ.alice");
  });

  it("a tab with no token in its address and none kept has none; an empty ?token= is none and keeps the tab's", () => {
    const storage = new MemoryStorage();
    const bar = new FakeAddressBar();
    assert.equal(startPage(storage), null);
    assert.equal(storage.length, 0);

    keepSignIn("eyJ.alice", storage);
    bar.open("/?token=");
    assert.equal(startPage(storage), "eyJ.alice");
    assert.equal(bar.path, "/", "the empty one is taken out of the address all the same");
  });
});
