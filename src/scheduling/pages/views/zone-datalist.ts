import { html, type Html } from '../../../ui/html.ts';
import type { HourCycle } from '../visitor/visitor-prefs.ts';
import { zoneChoices } from '../visitor/zone-list.ts';

const cache = new Map<string, Html>();

/**
 * Every zone as a suggestion of a text field: its name, and as its label the city, the time
 * there now and the UTC offset. 419 options (about 35 KB): rendered once a minute per list id
 * and clock rather than on every page (it was most of the booking page's rendering time).
 */
export function zoneDatalist(id: string, now: number, cycle: HourCycle): Html {
  const key = `${id}|${Math.floor(now / 60_000)}|${cycle}`;
  let found = cache.get(key);
  if (!found) {
    if (cache.size > 16) cache.clear();
    found = html`<datalist id="${id}">${zoneChoices(now, cycle).map((z) => html`<option value="${z.zone}" label="${z.city} · ${z.now} · ${z.offset}"></option>`)}</datalist>`;
    cache.set(key, found);
  }
  return found;
}
