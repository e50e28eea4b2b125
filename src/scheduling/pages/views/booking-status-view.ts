import { html, type Html } from '../../../ui/html.ts';
import { page } from '../../../ui/layout.ts';
import { BOOKER_ASSETS } from '../assets/page-assets.ts';
import type { ManagedBooking } from '../public/managed-booking.ts';
import { googleCalendarUrl, outlookCalendarUrl, type CalendarEntry } from './add-to-calendar.ts';
import { bookingHost, bookingSummary } from './booking-summary-view.ts';
import { cancelForm } from './cancel-form.ts';
import { locationText } from './location-label.ts';

export interface BookingStatusView {
  m: ManagedBooking;
  csrfToken: string;
  /** Whether emails really leave this server (SMTP configured). */
  mailSent: boolean;
  /** The event's booking page, to book again after a cancellation (when it still takes bookings). */
  bookAgain?: string | undefined;
  /** The booking it was moved to, when rescheduled. */
  movedTo?: string | undefined;
}

/** The invitee's page for one booking: "You are scheduled" with calendar links, or its cancellation. */
export function bookingStatusPage(v: BookingStatusView): string {
  const b = v.m.booking;
  return page({
    title: b.status === 'active' ? `You are scheduled: ${b.eventTypeName}` : `Canceled: ${b.eventTypeName}`,
    ...BOOKER_ASSETS,
    body: b.status === 'active' ? scheduled(v) : canceled(v),
  });
}

function scheduled(v: BookingStatusView): Html {
  const { m } = v;
  const b = m.booking;
  const entry: CalendarEntry = {
    title: `${b.eventTypeName} with ${m.hostName}`,
    start: b.startAt,
    end: b.endAt,
    location: locationText(b.location),
    details: 'Booked through Consentry. To cancel or reschedule, use the link in your confirmation email.',
  };
  const ics = `/booking/${b.id}/event.ics?token=${m.token}`;
  return html`<div class="status">
${bookingHost(m)}
<p class="status-mark ok" aria-hidden="true">✓</p>
<h1 id="booking-status">You are scheduled</h1>
${b.rescheduledFromId ? html`<p class="notice">Moved to this new time; the earlier one is canceled.</p>` : ''}
<p id="email-note">${v.mailSent ? html`A confirmation with a calendar invitation was emailed to <strong>${b.invitee.email}</strong>.` : html`No email is sent from this server (email is not set up), so keep this page’s address: it is your link to change the meeting.`}</p>
${bookingSummary(m)}
<h2>Add to your calendar</h2>
<ul class="calendar-links">
<li><a href="${googleCalendarUrl(entry)}" target="_blank" rel="noopener noreferrer" id="add-google">Google Calendar</a></li>
<li><a href="${outlookCalendarUrl(entry, 'outlook.live.com')}" target="_blank" rel="noopener noreferrer" id="add-outlook">Outlook.com</a></li>
<li><a href="${outlookCalendarUrl(entry, 'outlook.office.com')}" target="_blank" rel="noopener noreferrer" id="add-office">Outlook (work or school)</a></li>
<li><a href="${ics}" download="${fileName(b.eventTypeName)}.ics" id="add-ics">Apple Calendar and others (.ics file)</a></li>
</ul>
<h2>Need to make a change?</h2>
<div class="actions"><a class="button secondary" href="/booking/${b.id}/reschedule?token=${m.token}" id="reschedule-link">Reschedule</a><a class="button danger" href="/booking/${b.id}/cancel?token=${m.token}" id="cancel-link" data-dialog="cancel-dialog">Cancel the meeting</a></div>
<dialog id="cancel-dialog" aria-labelledby="cancel-dialog-heading">
<h2 id="cancel-dialog-heading">Cancel this meeting?</h2>
<p>${b.eventTypeName} with ${m.hostName} will be canceled, and both of you are told.</p>
${cancelForm(m, v.csrfToken, 'dialog-')}
</dialog>
</div>`;
}

function canceled(v: BookingStatusView): Html {
  const { m } = v;
  const b = m.booking;
  const moved = b.rescheduledToId !== null;
  return html`<div class="status">
${bookingHost(m)}
<h1 id="booking-status">${moved ? 'This meeting was moved' : 'This meeting is canceled'}</h1>
${moved && v.movedTo ? html`<p><a href="${v.movedTo}">See the new time</a></p>` : ''}
${!moved && b.cancelReason ? html`<p>Reason given: ${b.cancelReason}</p>` : ''}
${bookingSummary(m)}
${v.bookAgain && !moved ? html`<p><a class="button secondary" href="${v.bookAgain}">Book another time</a></p>` : ''}
</div>`;
}

/** "Coffee chat" → "coffee-chat" for the download's file name. */
function fileName(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'meeting'
  );
}
