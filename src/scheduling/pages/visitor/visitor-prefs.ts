import type { FastifyRequest } from 'fastify';
import { isValidTimeZone } from '../../time.ts';

export type HourCycle = 'h12' | 'h23';

/** How a visitor reads times and dates, guessed from the request until they choose. */
export interface VisitorPrefs {
  hourCycle: HourCycle;
  /** The first column of a month: 1 Monday, 7 Sunday. */
  weekStart: 1 | 7;
  /** The pages are English; US English writes dates month first. */
  dateLocale: 'en-US' | 'en-GB';
  /** The zone the browser reported on an earlier visit, else the only zone of the visitor's region. */
  zone: string | undefined;
}

/** Set by the booking page's script: lets the next page open in the browser's zone straight away. */
export const ZONE_COOKIE = 'consentry_tz';

/**
 * Reads Accept-Language (its most preferred tag) for the clock, week start and date order, and
 * the zone cookie. A region with one zone (fr-FR → Europe/Paris) suggests it; a region with
 * several (en-US) suggests none, and the page stays in UTC until the browser says better.
 */
export function visitorPrefs(request: FastifyRequest): VisitorPrefs {
  const fromLanguage = languagePrefs(request.headers['accept-language']);
  const cookie = request.cookies[ZONE_COOKIE];
  return { ...fromLanguage, zone: cookie && isValidTimeZone(cookie) ? cookie : fromLanguage.zone };
}

// Reading a locale's data through Intl costs ~0.1 ms; browsers send a handful of distinct headers.
const byHeader = new Map<string, VisitorPrefs>();

function languagePrefs(header: string | undefined): VisitorPrefs {
  const key = header?.slice(0, 200) ?? '';
  let found = byHeader.get(key);
  if (!found) {
    const locale = preferredLocale(key);
    const zones = locale ? localeInfo<string[]>(locale, 'timeZones') : undefined;
    const week = locale ? localeInfo<{ firstDay: number }>(locale, 'weekInfo') : undefined;
    found = {
      hourCycle: locale ? hourCycleOf(locale) : 'h23',
      weekStart: week?.firstDay === 7 ? 7 : 1,
      dateLocale: locale?.region === 'US' ? 'en-US' : 'en-GB',
      zone: zones?.length === 1 ? zones[0] : undefined,
    };
    if (byHeader.size > 500) byHeader.clear();
    byHeader.set(key, found);
  }
  return found;
}

/** The tag with the highest q-value that Intl understands. */
export function preferredLocale(header: string | undefined): Intl.Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.tag !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    try {
      return new Intl.Locale(tag);
    } catch {
      // not a BCP 47 tag: try the next one
    }
  }
  return undefined;
}

function hourCycleOf(locale: Intl.Locale): HourCycle {
  try {
    const cycle = new Intl.DateTimeFormat(locale.toString(), { hour: 'numeric' }).resolvedOptions().hourCycle;
    return cycle === 'h11' || cycle === 'h12' ? 'h12' : 'h23';
  } catch {
    return 'h23';
  }
}

/** Intl Locale Info: a getter in Node 20 (`timeZones`), a method in later engines (`getTimeZones()`). */
function localeInfo<T>(locale: Intl.Locale, name: 'timeZones' | 'weekInfo'): T | undefined {
  const record = locale as unknown as Record<string, unknown>;
  const method = record[`get${name[0]!.toUpperCase()}${name.slice(1)}`];
  try {
    return (typeof method === 'function' ? method.call(locale) : record[name]) as T | undefined;
  } catch {
    return undefined;
  }
}
