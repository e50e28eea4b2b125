import { html, type Html } from './html.ts';

const OPTIONS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
};

// Building an Intl.DateTimeFormat costs about 140 µs here, and a page such as an app's access log
// formats a time per line. Zones come from people's saved preferences: few, but bounded anyway.
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 500;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-GB', { ...OPTIONS, timeZone });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(timeZone, found);
  }
  return found;
}

/** A moment as a person reads it, in their time zone (UTC until they chose one). */
export function formatTime(epochMs: number, timeZone: string | null): Html {
  let text: string;
  try {
    text = formatterFor(timeZone ?? 'UTC').format(epochMs);
  } catch {
    // A zone the runtime no longer knows (ICU data changed): UTC rather than a failed page.
    text = formatterFor('UTC').format(epochMs);
  }
  return html`<time datetime="${new Date(epochMs).toISOString()}">${text}</time>`;
}
