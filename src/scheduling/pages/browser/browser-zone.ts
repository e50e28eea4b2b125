/** The browser's own time zone, or undefined when it does not say. */
export function browserZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** Remembers the zone for the next page the server renders (a first-party cookie, a year). */
export function rememberZone(zone: string): void {
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = `consentry_tz=${encodeURIComponent(zone)}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
}
