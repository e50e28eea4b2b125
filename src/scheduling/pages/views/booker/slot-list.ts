import { DateTime } from 'luxon';
import { html, type Html } from '../../../../ui/html.ts';
import { toIsoUtc } from '../../../time.ts';
import type { BookerState } from '../../public/booker-state.ts';
import { dayAndMonth, timeOfDay } from '../../visitor/format.ts';
import { bookerLink, type BookerPlace } from './booker-link.ts';

/** The free times of the chosen day, each a link to the next step. */
export function slotList(place: BookerPlace, state: BookerState): Html {
  if (!state.date) return html``;
  const slots = state.days.get(state.date) ?? [];
  const day = dayAndMonth(DateTime.fromISO(state.date, { zone: state.tz }).toMillis(), state.tz, state.prefs);
  return html`<section class="booker-slots" aria-labelledby="slots-heading">
<h2 id="slots-heading">${day}</h2>
${
  slots.length
    ? html`<ul class="slots">${slots.map((slot) => html`<li><a class="slot" href="${bookerLink(place, state, { start: toIsoUtc(slot.start) })}" data-swap>${timeOfDay(slot.start, state.tz, state.cycle)}</a></li>`)}</ul>`
    : html`<p class="hint">No free times left on this day.</p>`
}
</section>`;
}
