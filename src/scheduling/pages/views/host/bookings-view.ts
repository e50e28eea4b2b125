import { html, type Html } from '../../../../ui/html.ts';
import type { Booking } from '../../../bookings/booking.ts';
import type { HostContext } from '../../host/host-context.ts';
import { longDate, timeRange } from '../../visitor/format.ts';
import { csrfField } from '../errors-view.ts';
import { locationText } from '../location-label.ts';
import { hostPage } from './host-shell.ts';

export interface BookingsView {
  c: HostContext;
  upcoming: Booking[];
  canceled: Booking[];
}

/** The Bookings tab: what is coming (in the host's zone), and what was canceled lately. */
export function bookingsPage(v: BookingsView): string {
  const { c } = v;
  return hostPage({
    user: c.user,
    title: 'Bookings',
    tab: 'bookings',
    notice: c.notice,
    body: html`<h1>Bookings</h1>
<section aria-labelledby="upcoming-heading">
<h2 id="upcoming-heading">Upcoming</h2>
<p class="hint">Times in your time zone, ${c.host.timezone}.</p>
${v.upcoming.length ? html`<ul class="rows">${v.upcoming.map((b) => bookingRow(b, c, true))}</ul>` : html`<p class="hint">No upcoming bookings. Share your booking page to get some.</p>`}
</section>
${v.canceled.length ? html`<section aria-labelledby="canceled-heading"><h2 id="canceled-heading">Canceled lately</h2><ul class="rows">${v.canceled.map((b) => bookingRow(b, c, false))}</ul></section>` : ''}`,
  });
}

function bookingRow(b: Booking, c: HostContext, active: boolean): Html {
  return html`<li class="booking"><div>
<p class="row-title"><strong>${longDate(b.startAt, c.host.timezone, c.prefs)}, ${timeRange(b.startAt, b.endAt, c.host.timezone, c.prefs.hourCycle)}</strong></p>
<p>${b.eventTypeName} with ${b.invitee.name} &lt;${b.invitee.email}&gt;</p>
<p class="hint">${locationText(b.location)}${!active && b.cancelReason ? ` · Canceled: ${b.cancelReason}` : ''}</p>
</div>${active ? html`<div class="actions"><a class="button secondary small" href="/scheduling/bookings/${b.id}/cancel">Cancel<span class="visually-hidden"> the booking with ${b.invitee.name}</span></a></div>` : ''}</li>`;
}

/** The step before cancelling a booking: what it is, a reason for the invitee, and a way back. */
export function cancelBookingPage(c: HostContext, b: Booking): string {
  return hostPage({
    user: c.user,
    title: 'Cancel this booking?',
    tab: 'bookings',
    body: html`<p class="crumbs"><a href="/scheduling/bookings">Bookings</a></p>
<h1>Cancel this booking?</h1>
<p><strong>${b.eventTypeName}</strong> with ${b.invitee.name} &lt;${b.invitee.email}&gt;<br>${longDate(b.startAt, c.host.timezone, c.prefs)}, ${timeRange(b.startAt, b.endAt, c.host.timezone, c.prefs.hourCycle)}</p>
<form method="post" action="/scheduling/bookings/${b.id}/cancel">${csrfField(c.csrfToken)}
<label for="reason">Reason <span class="hint">(optional; emailed to ${b.invitee.name})</span></label>
<textarea id="reason" name="reason" rows="3" maxlength="1000"></textarea>
<div class="actions"><button type="submit" class="danger">Yes, cancel the booking</button><a class="button secondary" href="/scheduling/bookings">No, keep it</a></div>
</form>`,
  });
}
