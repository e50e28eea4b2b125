import { html, type Html } from '../../../../ui/html.ts';
import type { EventType } from '../../../event-types/event-type.ts';
import type { Slot } from '../../../slots/compute-slots.ts';
import type { BookerState } from '../../public/booker-state.ts';
import { locationLabel } from '../location-label.ts';
import { bookerLink, type BookerPlace } from './booker-link.ts';
import { clockSwitch, durationSwitch, zonePicker } from './booker-controls.ts';
import { hostBadge } from './host-badge.ts';
import { monthCalendar } from './month-calendar.ts';
import { slotList } from './slot-list.ts';

export interface BookerView {
  place: BookerPlace;
  state: BookerState;
  hostName: string;
  eventType: Pick<EventType, 'name' | 'description' | 'location'>;
  /** The page's heading (the event's name, or "Reschedule …"). */
  heading: string;
  /** What follows once a time is picked: the details form, or the reschedule confirmation. */
  picked: (slot: Slot) => Html;
  /** A message above the widget (a refused booking, a taken slot). */
  alert?: Html | undefined;
  now: number;
}

/**
 * The booking widget: who and what on one side; the month, the chosen day's times (beside it on
 * wide screens, below on narrow ones) or, once a time is picked, the next step. `#booker` is
 * what the script swaps when a link inside it is followed.
 */
export function booker(v: BookerView): Html {
  const { place, state } = v;
  const gone = state.startGone
    ? html`<p class="error" role="alert">That time is no longer free. Please pick another one.</p>`
    : '';
  const main = state.start
    ? html`<div class="booker-step"><p><a href="${bookerLink(place, state, { start: null })}" data-swap>← Back to the calendar</a></p>${v.picked(state.start)}</div>`
    : html`<div class="booker-pick">${monthCalendar(place, state)}${slotList(place, state)}</div>`;
  return html`<div class="booker" id="booker" data-zone="${state.tz}" data-zone-chosen="${state.zoneChosen ? 'yes' : 'no'}" data-clock="${state.cycle}">
<div class="booker-info">
${hostBadge(v.hostName)}
<h1>${v.heading}</h1>
${v.eventType.description ? html`<p class="description">${v.eventType.description}</p>` : ''}
${durationSwitch(place, state)}
<p class="meta"><span class="meta-label">Where</span> ${locationLabel(v.eventType.location.kind)}</p>
${state.start ? '' : html`${zonePicker(place, state, v.now)}${clockSwitch(place, state)}`}
</div>
<div class="booker-main">${v.alert ?? ''}${gone}${main}</div>
</div>
<p id="booker-status" class="visually-hidden" role="status"></p>`;
}
