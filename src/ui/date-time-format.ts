// Building an Intl.DateTimeFormat costs about 140 µs here, and a page formats a time per line or
// per slot: one formatter per locale, zone and options is kept. Bounded, as zones may come from
// requests.
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 5000;

/** `new Intl.DateTimeFormat(locale, { ...options, timeZone })`, built once per distinct call. */
export function dateTimeFormat(
  locale: string,
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, found);
  }
  return found;
}
