import type { FastifyRequest } from 'fastify';
import type { Booking } from '../../bookings/booking.ts';
import { publicHostName } from '../../hosts/display-name.ts';
import type { SchedulingServices } from '../../scheduling-services.ts';
import type { HourCycle, VisitorPrefs } from '../visitor/visitor-prefs.ts';
import { visitorPrefs } from '../visitor/visitor-prefs.ts';
import { resolveZone } from '../visitor/zone-list.ts';

/** A booking opened through the invitee's link, with what its pages show. */
export interface ManagedBooking {
  booking: Booking;
  token: string;
  /** /booking/{id}?token=…: the booking's own page. */
  home: string;
  hostName: string;
  /** The zone and clock times are shown in: the address's, else the invitee's own zone. */
  tz: string;
  cycle: HourCycle;
  prefs: VisitorPrefs;
}

export type ManageRoute = {
  Params: { id: string };
  Querystring: { token?: string; tz?: string; clock?: string; [name: string]: string | undefined };
};

/**
 * The booking behind /booking/{id}…, when `token` is its HMAC (no account needed); undefined
 * when either is wrong, so a guessed id tells nothing.
 */
export async function loadManaged(
  s: SchedulingServices,
  request: FastifyRequest<ManageRoute>,
  token: unknown,
): Promise<ManagedBooking | undefined> {
  if (!s.manageLinks.verify(request.params.id, token)) return undefined;
  const booking = await s.bookings.findById(request.params.id);
  if (!booking) return undefined;
  const person = await s.hosts.person(booking.hostId);
  const prefs = visitorPrefs(request);
  const clock = request.query.clock;
  return {
    booking,
    token: token as string,
    home: manageHome(s, booking.id),
    hostName: publicHostName(person, booking.hostSlug),
    tz: resolveZone(request.query.tz) ?? booking.invitee.timezone,
    cycle: clock === '12h' ? 'h12' : clock === '24h' ? 'h23' : prefs.hourCycle,
    prefs,
  };
}

export function manageHome(s: SchedulingServices, bookingId: string): string {
  return `/booking/${encodeURIComponent(bookingId)}?token=${s.manageLinks.token(bookingId)}`;
}
