/**
 * Confirmations after a save: a form redirects to its page with `?saved=<key>` and the page
 * shows the sentence for that key (unknown keys show nothing, so the address cannot inject text).
 */
const NOTICES = {
  setup: 'You are set up. Share your booking page, or add an event type below.',
  address: 'Your booking page address is saved.',
  timezone: 'Your time zone is saved.',
  'event-created': 'Event type created.',
  'event-saved': 'Event type saved.',
  'event-on': 'Event type turned on: it takes bookings.',
  'event-off': 'Event type turned off: it takes no bookings.',
  'event-deleted': 'Event type deleted.',
  'schedule-created': 'Schedule created. Set its hours below.',
  'schedule-deleted': 'Schedule deleted.',
  hours: 'Hours saved.',
  'zone-fixed': 'The schedule now uses your time zone.',
  'override-saved': 'Date override saved.',
  'override-removed': 'Date override removed.',
  'ooo-saved': 'Out of office saved: those days take no bookings.',
  'ooo-removed': 'Out of office removed.',
  'booking-canceled': 'Booking canceled. The invitee is told by email.',
  'webhook-removed': 'Webhook removed.',
  'webhook-enabled': 'Webhook turned back on.',
} as const;

export type NoticeKey = keyof typeof NOTICES;

export function noticeFor(key: unknown): string | undefined {
  return typeof key === 'string' && Object.hasOwn(NOTICES, key) ? NOTICES[key as NoticeKey] : undefined;
}

/** `path` with the confirmation to show there. */
export function withNotice(path: string, key: NoticeKey): string {
  return `${path}${path.includes('?') ? '&' : '?'}saved=${key}`;
}
