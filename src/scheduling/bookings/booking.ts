import type { Location } from '../event-types/event-type.ts';

export interface Invitee {
  name: string;
  email: string;
  timezone: string;
}

/** A booked meeting; times are epoch ms. */
export interface Booking {
  id: string;
  hostId: string;
  hostSlug: string;
  eventTypeId: string;
  eventTypeName: string;
  startAt: number;
  endAt: number;
  durationMin: number;
  busyFrom: number;
  busyTo: number;
  status: 'active' | 'canceled';
  location: Location;
  invitee: Invitee;
  cancelReason: string | null;
  rescheduledFromId: string | null;
  rescheduledToId: string | null;
  noShow: boolean;
  createdAt: number;
}

export type BookingStatusFilter = 'active' | 'canceled' | 'past';

export const RESCHEDULED_REASON = 'Rescheduled.';
