import { html, type Html } from '../../../ui/html.ts';
import type { ManagedBooking } from '../public/managed-booking.ts';
import { longDate, timeRange, utcOffset } from '../visitor/format.ts';
import { hostBadge } from './booker/host-badge.ts';
import { locationText } from './location-label.ts';

/** What, when (in the invitee's zone), where and who, as a description list. */
export function bookingSummary(m: ManagedBooking): Html {
  const b = m.booking;
  return html`<dl class="summary">
<dt>What</dt><dd>${b.eventTypeName} with ${m.hostName}</dd>
<dt>When</dt><dd><time datetime="${new Date(b.startAt).toISOString()}">${longDate(b.startAt, m.tz, m.prefs)}<br>${timeRange(b.startAt, b.endAt, m.tz, m.cycle)}</time> <span class="hint">${m.tz} (${utcOffset(b.startAt, m.tz)})</span></dd>
<dt>Where</dt><dd>${locationText(b.location)}</dd>
<dt>Who</dt><dd>${m.hostName} (host)<br>${b.invitee.name}</dd>
</dl>`;
}

/** The host above a booking page's heading. */
export function bookingHost(m: ManagedBooking): Html {
  return hostBadge(m.hostName);
}
