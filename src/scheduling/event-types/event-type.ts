export const LOCATION_KINDS = ['google_meet', 'zoom', 'phone', 'in_person', 'link'] as const;
export type LocationKind = (typeof LOCATION_KINDS)[number];

export interface Location {
  kind: LocationKind;
  value?: string | undefined;
}

/** Something invitees can book: durations (default first), location and booking rules. */
export interface EventType {
  id: string;
  userId: string;
  name: string;
  slug: string;
  description: string | null;
  durations: number[];
  location: Location;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  minimumNoticeMin: number;
  dailyLimit: number | null;
  bookingWindowDays: number | null;
  slotIntervalMin: number | null;
  scheduleId: string | null;
  active: boolean;
}

/** The longest duration an event type may offer, and the longest buffer on either side (minutes). */
export const MAX_DURATION_MIN = 720;
export const MAX_BUFFER_MIN = 720;
/**
 * The longest time one booking can keep its host busy (ms): duration and both buffers. Overlap
 * queries rely on it to bound their index scan from below (see BookingRepository.listBusy).
 */
export const MAX_BUSY_MS = (MAX_DURATION_MIN + 2 * MAX_BUFFER_MIN) * 60_000;

export type EventTypeInput = Partial<Omit<EventType, 'id' | 'userId'>>;
