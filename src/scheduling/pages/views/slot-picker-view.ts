import { DateTime } from 'luxon';
import { html, type Html } from '../../../ui/html.ts';
import type { Slot } from '../../slots/compute-slots.ts';
import { toIsoUtc } from '../../time.ts';

export interface PickerState {
  /** The page the picker links back to, e.g. /anna/intro or /booking/ID. */
  path: string;
  /** Query parameters every link keeps (e.g. the invitee's manage token). */
  keep: Record<string, string>;
  tz: string;
  duration: number;
  durations: number[];
  slots: Slot[];
  date?: string | undefined;
}

const ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];

/** Time zone and duration choice, then days with free slots, then the slots of the chosen day. */
export function slotPicker(p: PickerState): Html {
  const link = (extra: Record<string, string>) =>
    `${p.path}?${new URLSearchParams({ ...p.keep, tz: p.tz, duration: String(p.duration), ...extra }).toString()}`;
  const byDay = new Map<string, Slot[]>();
  for (const slot of p.slots) {
    const day = DateTime.fromMillis(slot.start, { zone: p.tz }).toISODate()!;
    byDay.set(day, [...(byDay.get(day) ?? []), slot]);
  }
  const chosen = p.date ? (byDay.get(p.date) ?? []) : [];
  return html`<form method="get" action="${p.path}">
${Object.entries(p.keep).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<label for="tz">Your time zone</label><select id="tz" name="tz">${ZONES.map((z) => html`<option value="${z}"${z === p.tz ? html` selected` : ''}>${z}</option>`)}</select>
${p.durations.length > 1 ? html`<label for="duration">Duration</label><select id="duration" name="duration">${p.durations.map((d) => html`<option value="${d}"${d === p.duration ? html` selected` : ''}>${d} minutes</option>`)}</select>` : html`<input type="hidden" name="duration" value="${p.duration}">`}
<button type="submit" class="secondary">Show times</button>
</form>
<h2>Pick a day</h2>
${byDay.size ? html`<ul class="days">${[...byDay.keys()].map((day) => html`<li><a href="${link({ date: day })}"${day === p.date ? html` aria-current="date"` : ''}>${DateTime.fromISO(day, { zone: p.tz }).toFormat('cccc d LLLL')}</a></li>`)}</ul>` : html`<p class="hint">No free times in the next month.</p>`}
${
  p.date
    ? html`<h2>Pick a time on ${DateTime.fromISO(p.date, { zone: p.tz }).toFormat('cccc d LLLL')}</h2>
${chosen.length ? html`<ul class="slots">${chosen.map((slot) => html`<li><a class="slot" href="${link({ date: p.date!, start: toIsoUtc(slot.start) })}">${DateTime.fromMillis(slot.start, { zone: p.tz }).toFormat('HH:mm')}</a></li>`)}</ul>` : html`<p class="hint">No free times that day.</p>`}`
    : ''
}`;
}

export function localWhen(ms: number, tz: string): string {
  return `${DateTime.fromMillis(ms, { zone: tz }).toFormat('cccc d LLLL yyyy, HH:mm')} (${tz})`;
}
