import type { BookerState } from '../../public/booker-state.ts';

/** Where the widget's links point: its path and what every link keeps (e.g. a manage token). */
export interface BookerPlace {
  path: string;
  keep: Record<string, string>;
}

/**
 * A link to another state of the widget. The zone and clock travel only once chosen, so a
 * guessed zone can still be corrected by the page's script; `null` drops a parameter.
 */
export function bookerLink(place: BookerPlace, state: BookerState, change: Record<string, string | null> = {}): string {
  const params: Record<string, string | null> = {
    ...place.keep,
    tz: state.zoneChosen ? state.tz : null,
    clock: state.cycleChosen ? (state.cycle === 'h12' ? '12h' : '24h') : null,
    duration: state.durations.length > 1 ? String(state.duration) : null,
    month: state.month,
    date: state.date ?? null,
    ...change,
  };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== null) query.set(name, value);
  return `${place.path}?${query.toString()}`;
}
