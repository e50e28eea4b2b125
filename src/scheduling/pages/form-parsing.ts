import { invalid, Problems } from '../errors.ts';
import type { ClockInterval } from '../schedules/schedule.ts';

/** "09:00-12:00, 13:00-17:00" → intervals; '' → none (closed). Times are checked by the service. */
export function parseIntervals(text: string, path: Array<string | number>, problems: Problems): ClockInterval[] {
  if (!text.trim()) return [];
  return text.split(',').map((part, i) => {
    const match = /^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$/.exec(part);
    if (!match) {
      problems.add([...path, i], `"${part.trim()}" is not a time range like 09:00-17:00`);
      return { start: '00:00', end: '00:00' };
    }
    return { start: match[1]!.padStart(5, '0'), end: match[2]!.padStart(5, '0') };
  });
}

export function formatIntervals(intervals: ClockInterval[]): string {
  return intervals.map((i) => `${i.start}-${i.end}`).join(', ');
}

/** "30, 60" → [30, 60]. */
export function parseNumberList(text: string, name: string): number[] {
  const values = text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
    .map(Number);
  if (values.some((v) => !Number.isInteger(v)))
    throw invalid(`${name} must be whole numbers separated by commas.`, [
      { path: [name], message: 'whole numbers, e.g. 30, 60' },
    ]);
  return values;
}

/** '' → null, else a whole number. */
export function parseOptionalInt(text: string, name: string): number | null {
  if (!text) return null;
  const value = Number(text);
  if (!Number.isInteger(value))
    throw invalid(`${name} must be a whole number.`, [{ path: [name], message: 'a whole number' }]);
  return value;
}
