import type { User } from '../../../accounts/index.ts';
import { displayName } from '../../../accounts/index.ts';
import { html, type Html } from '../../../ui/html.ts';
import { page } from '../../../ui/layout.ts';
import type { Booking } from '../../bookings/booking.ts';
import type { SchedulingError } from '../../errors.ts';
import type { EventType } from '../../event-types/event-type.ts';
import type { Host } from '../../hosts/host.ts';
import type { Schedule } from '../../schedules/schedule.ts';
import { toIsoLocal } from '../../time.ts';
import { csrfField, errorBlock } from './errors-view.ts';
import { eventTypeFields } from './event-type-form-view.ts';

export interface DashboardView {
  user: User;
  host: Host;
  issuer: string;
  eventTypes: EventType[];
  schedules: Schedule[];
  upcoming: Booking[];
  webhooks: Html;
  csrfToken: string;
  error?: SchedulingError | undefined;
}

/** /scheduling: profile, event types, schedules, upcoming bookings and webhooks of a host. */
export function dashboardPage(v: DashboardView): string {
  return page({
    title: 'Scheduling',
    signedInAs: displayName(v.user),
    body: html`<h1>Scheduling</h1>
${errorBlock(v.error)}
<section aria-labelledby="profile-heading">
<h2 id="profile-heading">Your booking address</h2>
<form method="post" action="/scheduling/profile">${csrfField(v.csrfToken)}
<label for="slug">Address: ${v.issuer}/</label><input id="slug" name="slug" value="${v.host.slug}" required>
<label for="timezone">Your time zone</label><input id="timezone" name="timezone" value="${v.host.timezone}" required>
<button type="submit">Save address</button>
</form>
</section>
<section aria-labelledby="types-heading">
<h2 id="types-heading">Event types</h2>
${v.eventTypes.length ? html`<ul>${v.eventTypes.map((e) => eventTypeItem(e, v))}</ul>` : html`<p class="hint">No event types yet.</p>`}
<h3>New event type</h3>
<form method="post" action="/scheduling/event-types">${csrfField(v.csrfToken)}
${eventTypeFields(undefined, v.schedules)}
<button type="submit">Create event type</button>
</form>
</section>
<section aria-labelledby="schedules-heading">
<h2 id="schedules-heading">Availability</h2>
<ul>${v.schedules.map((s) => html`<li><a href="/scheduling/schedules/${s.id}">${s.name}</a> (${s.timezone})${s.isDefault ? ' · default' : ''}</li>`)}</ul>
<form method="post" action="/scheduling/schedules">${csrfField(v.csrfToken)}<label for="new-schedule">New schedule name</label><input id="new-schedule" name="name" required><button type="submit" class="secondary">Add schedule</button></form>
</section>
<section aria-labelledby="bookings-heading">
<h2 id="bookings-heading">Upcoming bookings</h2>
${v.upcoming.length ? html`<ul>${v.upcoming.map((b) => bookingItem(b, v))}</ul>` : html`<p class="hint">No upcoming bookings.</p>`}
</section>
${v.webhooks}`,
  });
}

function eventTypeItem(e: EventType, v: DashboardView): Html {
  const url = `${v.issuer}/${v.host.slug}/${e.slug}`;
  return html`<li class="event-type"><strong>${e.name}</strong> · ${e.durations.join('/')} min · ${e.active ? html`<a href="${url}">${url}</a>` : 'inactive'}
<div class="actions"><a href="/scheduling/event-types/${e.id}">Edit</a>
<form method="post" action="/scheduling/event-types/${e.id}/toggle">${csrfField(v.csrfToken)}<button type="submit" class="link">${e.active ? 'Turn off' : 'Turn on'}</button></form>
<form method="post" action="/scheduling/event-types/${e.id}/delete">${csrfField(v.csrfToken)}<button type="submit" class="link">Delete</button></form></div></li>`;
}

function bookingItem(b: Booking, v: DashboardView): Html {
  const when = toIsoLocal(b.startAt, v.host.timezone).slice(0, 16).replace('T', ' ');
  return html`<li class="booking">${when} · ${b.eventTypeName} · ${b.invitee.name} &lt;${b.invitee.email}&gt;
<form method="post" action="/scheduling/bookings/${b.id}/cancel">${csrfField(v.csrfToken)}<label for="reason-${b.id}">Reason</label><input id="reason-${b.id}" name="reason"><button type="submit" class="secondary">Cancel booking</button></form></li>`;
}
