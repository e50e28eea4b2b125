import { toIsoUtc } from '../time.ts';
import type { Booking } from './booking.ts';

/** A booking as the API, webhooks and MCP tools show it (ISO 8601 UTC times). */
export interface BookingJson {
  id: string;
  eventTypeId: string;
  eventTypeName: string;
  hostId: string;
  hostSlug: string;
  startAt: string;
  endAt: string;
  durationMin: number;
  status: 'active' | 'canceled';
  location: { kind: string; value?: string };
  invitee: { name: string; email: string; timezone: string };
  cancelReason?: string;
  rescheduledFromId?: string;
  rescheduledToId?: string;
  createdAt: string;
}

export function bookingToJson(b: Booking): BookingJson {
  return {
    id: b.id,
    eventTypeId: b.eventTypeId,
    eventTypeName: b.eventTypeName,
    hostId: b.hostId,
    hostSlug: b.hostSlug,
    startAt: toIsoUtc(b.startAt),
    endAt: toIsoUtc(b.endAt),
    durationMin: b.durationMin,
    status: b.status,
    location:
      b.location.value !== undefined ? { kind: b.location.kind, value: b.location.value } : { kind: b.location.kind },
    invitee: { ...b.invitee },
    ...(b.cancelReason !== null ? { cancelReason: b.cancelReason } : {}),
    ...(b.rescheduledFromId !== null ? { rescheduledFromId: b.rescheduledFromId } : {}),
    ...(b.rescheduledToId !== null ? { rescheduledToId: b.rescheduledToId } : {}),
    createdAt: toIsoUtc(b.createdAt),
  };
}
