import type { HostPerson } from './host-service.ts';

/** How a host is named to invitees: their name, else their email. */
export function displayHostName(person: HostPerson): string {
  return person.name ?? person.email ?? 'your host';
}

/**
 * How a host is named on public pages, which anyone can open: their name, else their page's
 * address in words ("pat-host" → "Pat Host"), never their email address.
 */
export function publicHostName(person: Pick<HostPerson, 'name'>, slug: string): string {
  if (person.name?.trim()) return person.name.trim();
  return slug
    .split('-')
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
}
