import { DateTime } from 'luxon';
import type { Booking } from '../bookings/booking.ts';
import type { BookingEmailKind } from '../bookings/booking-events.ts';
import { bookingIcs } from './booking-ics.ts';
import type { OutgoingMail } from './mailer.ts';

export interface BookingEmailContext {
  booking: Booking;
  kind: BookingEmailKind;
  reason?: string | undefined;
  host: { name: string; email: string };
  manageUrl: string;
  issuerHost: string;
  now: number;
}

/** Longest invitee name and reason quoted in an email (characters). */
export const NAME_CAP = 100;
export const REASON_CAP = 300;

/** Text from a stranger as one quoted line: control characters and line breaks become spaces, capped. */
export function quoted(value: string, cap: number): string {
  const line = value
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...line];
  return `“${chars.length > cap ? chars.slice(0, cap).join('') + '…' : line}”`;
}

/** The invitee's email: confirmation (with an .ics invitation and the manage link) or cancellation. */
export function bookingEmail(c: BookingEmailContext): OutgoingMail {
  const { booking: b } = c;
  // The page let the invitee pick 12- or 24-hour times, but the booking does not keep which:
  // the email gives both, so "3:00 PM (15:00)" reads right to everyone.
  const start = DateTime.fromMillis(b.startAt, { zone: b.invitee.timezone });
  const when = `${start.toFormat('cccc d LLLL yyyy')} at ${start.toFormat('h:mm a')} (${start.toFormat('HH:mm')}), ${b.invitee.timezone} time`;
  const location = b.location.value ? `${b.location.kind}: ${b.location.value}` : b.location.kind;
  const canceled = c.kind === 'canceled';
  // Whoever books chooses the name and reason: they stay out of the greeting and appear only
  // quoted and capped, so an email cannot be made to speak in the sender's voice.
  const nameGiven = `Name given: ${quoted(b.invitee.name, NAME_CAP)}`;
  const subject = canceled
    ? `Canceled: ${b.eventTypeName} with ${c.host.name}`
    : `${c.kind === 'rescheduled' ? 'Rescheduled' : 'Confirmed'}: ${b.eventTypeName} with ${c.host.name}`;
  const lines = canceled
    ? [
        'Hello,',
        '',
        `Your ${b.eventTypeName} with ${c.host.name} on ${when} was canceled.`,
        nameGiven,
        ...(c.reason ? ['', `Reason given: ${quoted(c.reason, REASON_CAP)}`] : []),
      ]
    : [
        'Hello,',
        '',
        `${b.eventTypeName} with ${c.host.name} is ${c.kind === 'rescheduled' ? 'moved to' : 'booked for'} ${when}, ${b.durationMin} minutes.`,
        `Location: ${location}`,
        nameGiven,
        ...(c.reason ? [`Reason given: ${quoted(c.reason, REASON_CAP)}`] : []),
        '',
        `To cancel or reschedule: ${c.manageUrl}`,
        '',
        'The attached invitation adds it to your calendar.',
      ];
  const ics = bookingIcs({ ...c, method: canceled ? 'CANCEL' : 'REQUEST' });
  return {
    to: b.invitee.email,
    subject,
    text: lines.join('\n') + '\n',
    attachments: [
      {
        filename: canceled ? 'cancel.ics' : 'invite.ics',
        content: ics,
        contentType: `text/calendar; charset=utf-8; method=${canceled ? 'CANCEL' : 'REQUEST'}`,
      },
    ],
  };
}
