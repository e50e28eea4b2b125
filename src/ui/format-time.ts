import { dateTimeFormat } from './date-time-format.ts';
import { html, type Html } from './html.ts';

const OPTIONS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
};

/** A moment as a person reads it, in their time zone (UTC until they chose one). */
export function formatTime(epochMs: number, timeZone: string | null): Html {
  let text: string;
  try {
    text = dateTimeFormat('en-GB', timeZone ?? 'UTC', OPTIONS).format(epochMs);
  } catch {
    // A zone the runtime no longer knows (ICU data changed): UTC rather than a failed page.
    text = dateTimeFormat('en-GB', 'UTC', OPTIONS).format(epochMs);
  }
  return html`<time datetime="${new Date(epochMs).toISOString()}">${text}</time>`;
}
