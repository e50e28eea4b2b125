import { html, type Html } from '../../../../ui/html.ts';
import type { BookerState } from '../../public/booker-state.ts';
import { zoneDatalist } from '../zone-datalist.ts';
import { utcOffset } from '../../visitor/format.ts';
import { bookerLink, type BookerPlace } from './booker-link.ts';

/** Duration as a row of links (one per length), or plain text when there is only one. */
export function durationSwitch(place: BookerPlace, state: BookerState): Html {
  if (state.durations.length === 1)
    return html`<p class="meta"><span class="meta-label">Duration</span> ${state.duration} min</p>`;
  return html`<div class="switch" role="group" aria-labelledby="duration-label"><span class="meta-label" id="duration-label">Duration</span>
${state.durations.map((d) => html`<a href="${bookerLink(place, state, { duration: String(d), start: null })}" data-swap${d === state.duration ? html` aria-current="true"` : ''}>${d} min</a>`)}</div>`;
}

/** 12-hour or 24-hour clock. */
export function clockSwitch(place: BookerPlace, state: BookerState): Html {
  const option = (clock: '12h' | '24h', label: string) =>
    html`<a href="${bookerLink(place, state, { clock })}" data-swap${(state.cycle === 'h12') === (clock === '12h') ? html` aria-current="true"` : ''}>${label}</a>`;
  return html`<div class="switch" role="group" aria-labelledby="clock-label"><span class="meta-label" id="clock-label">Clock</span>${option('12h', '12-hour')}${option('24h', '24-hour')}</div>`;
}

/**
 * The time zone: a text field with every zone as a suggestion (name, current time, offset), so
 * a browser without scripts can search it; the script turns it into a searchable list box.
 */
export function zonePicker(place: BookerPlace, state: BookerState, now: number): Html {
  const keep: Record<string, string> = Object.fromEntries(
    new URLSearchParams(bookerLink(place, state, { tz: null, start: null, date: null }).split('?')[1]),
  );
  return html`<form method="get" action="${place.path}" class="zone-form" data-zone-form>
${Object.entries(keep).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<label for="tz">Time zone</label>
${state.zoneTyped ? html`<p class="error field-error" id="tz-error">We don’t know the time zone “${state.zoneTyped}”. Type a city or a name like Europe/Paris and pick it from the list.</p>` : ''}
<div class="zone-row"><input id="tz" name="tz" value="${state.zoneTyped ?? state.tz}" list="tz-list" autocomplete="off" spellcheck="false" aria-describedby="${state.zoneTyped ? 'tz-error ' : ''}tz-hint"${state.zoneTyped ? html` aria-invalid="true" autofocus` : ''}>
<button type="submit" class="secondary small">Change</button></div>
<p class="hint" id="tz-hint" data-zone="${state.tz}">Times are shown in ${state.tz} (${utcOffset(now, state.tz)}).</p>
${zoneDatalist('tz-list', now, state.cycle)}
</form>`;
}
