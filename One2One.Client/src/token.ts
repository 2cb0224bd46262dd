// The sign-in token the page was opened with (?token=...), for servers that run with Auth:Mode=Jwt; sign-in-storage.ts
// keeps it for the tab, for a reload.

/**
 * Reads `token` from the page's query string and removes it from the address bar at once, so it is not
 * left in the history, in bookmarks or in what the person copies and shares. Null when there is none.
 */
export function takeTokenFromAddress(): string | null {
  const url = new URL(window.location.href);
  const token = url.searchParams.get("token");
  if (token === null) {
    return null;
  }
  url.searchParams.delete("token");
  window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  return token.trim() === "" ? null : token;
}
