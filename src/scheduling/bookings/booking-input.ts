import { Problems } from '../errors.ts';
import { isValidTimeZone, parseInstant } from '../time.ts';
import type { EventType } from '../event-types/event-type.ts';
import type { Invitee } from './booking.ts';

export interface NewBookingInput {
  start: string;
  durationMin?: number | undefined;
  invitee: Invitee;
}

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

/** Checks what the invitee (or the app for them) sent; returns the start in epoch ms. */
export function readBookingInput(
  eventType: EventType,
  input: NewBookingInput,
): { start: number; durationMin: number; invitee: Invitee } {
  const problems = new Problems();
  const start = parseInstant(input.start);
  if (start === undefined)
    problems.add(['start'], 'start must be an ISO 8601 date-time with an offset, e.g. 2026-03-30T07:00:00Z');
  const durationMin = input.durationMin ?? eventType.durations[0]!;
  if (!eventType.durations.includes(durationMin))
    problems.add(['durationMin'], `durationMin must be one of ${eventType.durations.join(', ')}`);
  const name = input.invitee.name.trim();
  const email = input.invitee.email.trim().toLowerCase();
  if (!name || name.length > 200) problems.add(['invitee', 'name'], 'name must be 1–200 characters');
  if (email.length > 254 || !EMAIL.test(email)) problems.add(['invitee', 'email'], 'email must be an email address');
  if (!isValidTimeZone(input.invitee.timezone))
    problems.add(['invitee', 'timezone'], `unknown time zone "${input.invitee.timezone}"`);
  problems.throwIfAny('The booking is not valid.');
  return { start: start!, durationMin, invitee: { name, email, timezone: input.invitee.timezone } };
}
