// The page's memory across a reload: the name it registered, the resume token the server gave it, and whether it was
// in a call. Kept in sessionStorage, so per tab, gone when the tab closes, and never sent anywhere but to Resume. The
// server holds a registration whose connection was lost for Calls:ReconnectWindow, so a reloaded page resumes it, in a
// call or not: registering the name again would be refused as taken until the window closes.

import type { Softphone } from "./softphone.js";
import { isCallPhase } from "./state.js";

const key = "one2one.resume";

interface Saved {
  readonly name: string;
  readonly token: string;
  readonly inCall: boolean;
}

/** Keeps what resume() needs up to date as the phone registers, gets new tokens and enters or leaves calls. */
export function rememberForResume(phone: Softphone, storage: Storage = sessionStorage): void {
  let token: string | null = null;
  const save = (): void => {
    const { user, state } = phone.current;
    if (user === null || token === null || state === "idle") {
      storage.removeItem(key);
      return;
    }
    storage.setItem(key, JSON.stringify({ name: user, token, inCall: isCallPhase(state) && state !== "hanging-up" } satisfies Saved));
  };
  phone.on("resumeToken", (next) => {
    token = next;
    save();
  });
  phone.on("stateChange", save);
}

/** Resumes the registration (and call) a reloaded page had; true if it tried. The saved token is spent either way. */
export function resumeAfterReload(phone: Softphone, storage: Storage = sessionStorage): boolean {
  const raw = storage.getItem(key);
  storage.removeItem(key);
  if (raw === null) {
    return false;
  }
  try {
    const saved = JSON.parse(raw) as Saved;
    if (typeof saved.name !== "string" || typeof saved.token !== "string") {
      return false;
    }
    phone.resume(saved.name, saved.token);
    return true;
  } catch {
    return false;
  }
}
