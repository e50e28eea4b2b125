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

export type EventTypeInput = Partial<Omit<EventType, 'id' | 'userId'>>;
