import type { HostPerson } from './host-service.ts';

/** How a host is named to invitees: their name, else their email. */
export function displayHostName(person: HostPerson): string {
  return person.name ?? person.email ?? 'your host';
}
