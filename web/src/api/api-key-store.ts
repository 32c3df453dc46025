// The API key lives in sessionStorage only: gone when the tab closes, never in localStorage or a cookie.
const storageKey = "cryptofunk.apiKey";

/** The key entered in this browser tab, if any. */
export function loadApiKey(): string | null {
  try {
    return sessionStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

export function saveApiKey(key: string): void {
  sessionStorage.setItem(storageKey, key);
}

export function clearApiKey(): void {
  sessionStorage.removeItem(storageKey);
}
