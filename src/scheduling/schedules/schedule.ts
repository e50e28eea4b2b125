/** Days as the API names them, Monday first (luxon's weekday 1…7). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface ClockInterval {
  /** "HH:MM" local time; `end` may be "24:00". */
  start: string;
  end: string;
}

export interface WeeklyInterval extends ClockInterval {
  day: Weekday;
}

/** Replaces the weekly hours of one date; no intervals means closed that day. */
export interface DateOverride {
  date: string;
  intervals: ClockInterval[];
}

/** Whole days, `from` and `to` inclusive, in the schedule's time zone. */
export interface OutOfOffice {
  from: string;
  to: string;
  reason?: string | undefined;
}

/** The rules slots are computed from. */
export interface AvailabilityRules {
  timezone: string;
  weekly: WeeklyInterval[];
  overrides: DateOverride[];
  outOfOffice: OutOfOffice[];
}

export interface Schedule extends AvailabilityRules {
  id: string;
  name: string;
  isDefault: boolean;
}

/** Monday to Friday, 09:00–17:00: a new host's first schedule. */
export const DEFAULT_WEEKLY: WeeklyInterval[] = WEEKDAYS.slice(0, 5).map((day) => ({
  day,
  start: '09:00',
  end: '17:00',
}));
