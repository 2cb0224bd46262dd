// The tab's sign-in token, for servers that run with Auth:Mode=Jwt: the page is opened as /?token=... (token.ts takes it
// out of the address bar), and a reload of that tab, which has no ?token= any more, must sign in with it again, or the
// registration and call the server holds for the reload (resume-storage.ts) are lost to a 401.
//
// Kept in sessionStorage (per tab, gone when the tab closes, never sent anywhere but as the hub connection's bearer
// token), from the moment the page has it until the person signs out: a reload after signing out is signed out. Unlike
// the resume token it is written at once, not at pagehide: a duplicated tab starts signed in as the same person (as with
// a cookie), which takes nobody's registration over; registering still needs a free name or the resume token.

const key = "one2one.signIn";

/**
 * The token this page signs in with: the one it was opened with (`fromAddress`, which replaces the tab's: a fresh
 * sign-in), else the one the tab kept from before a reload; null when there is neither. A token from the address is kept.
 */
export function tabSignInToken(fromAddress: string | null, storage: Storage = sessionStorage): string | null {
  if (fromAddress !== null) {
    keepSignIn(fromAddress, storage);
    return fromAddress;
  }
  const kept = storage.getItem(key);
  return kept === null || kept.trim() === "" ? null : kept;
}

/** Keeps `token` for a reload of this tab (when the page starts with it, and when the person registers again after signing out). */
export function keepSignIn(token: string, storage: Storage = sessionStorage): void {
  storage.setItem(key, token);
}

/** The person signed out: a reload of this tab no longer signs in. */
export function forgetSignIn(storage: Storage = sessionStorage): void {
  storage.removeItem(key);
}
