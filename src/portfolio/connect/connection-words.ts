import type { Catalog } from '../catalog/catalog.ts';
import type { Connection } from '../connections/connection.ts';

const STATUS: Record<Connection['status'], string> = {
  pending: 'waiting for you to finish signing in there',
  syncing: 'being read now',
  connected: 'up to date',
  needs_reauth: 'needs you to link it again',
  error: 'could not be read',
};

/** A connection's state as a short phrase ("up to date", "could not be read"). */
export function statusWords(connection: Connection): string {
  return STATUS[connection.status];
}

/** The provider's name as the catalogue writes it ("Bitcoin", "CSV import"). */
export function providerName(catalog: Catalog, connection: Connection): string {
  return catalog.find(connection.providerId)?.name ?? connection.providerId;
}

/**
 * Why the last sync failed, in words a person can act on, or undefined when it did not fail.
 * The provider's own message follows as the detail (it names the exact refusal).
 */
export function failureWords(
  catalog: Catalog,
  connection: Connection,
): { reason: string; detail?: string } | undefined {
  if (connection.status !== 'error' && connection.status !== 'needs_reauth') return undefined;
  const name = providerName(catalog, connection);
  const detail = connection.lastError?.message;
  const cause = connection.status === 'needs_reauth' ? 'provider_auth_failed' : connection.lastError?.cause;
  const reason =
    cause === 'provider_auth_failed'
      ? `${name} no longer accepts the key or sign-in Consentry was given. Remove this account and link it again.`
      : cause === 'provider_unavailable'
        ? `Consentry could not reach ${name}: it may be down or slow right now. Try again later.`
        : cause === 'bad_request'
          ? `${name} refused what Consentry asked for, so this account could not be read.`
          : `This account could not be read.`;
  return { reason, ...(detail ? { detail } : {}) };
}
