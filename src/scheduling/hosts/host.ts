/** A person as a scheduling host: their public slug and home time zone. */
export interface Host {
  userId: string;
  slug: string;
  timezone: string;
}

/** First path segments the platform itself uses: never a host's slug. */
export const RESERVED_SLUGS = new Set([
  'api',
  'oauth',
  'assets',
  'account',
  'signin',
  'signout',
  'scheduling',
  'developers',
  'device',
  'booking',
  'bookings',
  'connect',
  'platform',
  'openapi.json',
  'health',
  'healthz',
  'metrics',
  'admin',
  'settings',
  'static',
  'well-known',
  'login',
  'logout',
  'portfolio',
  'f',
]);

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/;

/** Lowercase letters, digits and inner hyphens, 1–50 characters. */
export function isValidSlug(slug: string): boolean {
  return SLUG.test(slug);
}

/** A slug made from free text: "Anna Müller" → "anna-muller". */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug || 'host';
}
