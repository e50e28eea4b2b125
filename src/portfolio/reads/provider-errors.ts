import type { Connection } from '../connections/connection.ts';
import type { ErrorItem } from '../errors.ts';

/**
 * Connections whose last sync failed, as ErrorItems: their data may be stale or missing, so
 * an answer that includes them is partial (206).
 */
export function providerErrors(connections: Connection[], providerIds?: string[]): ErrorItem[] {
  return connections
    .filter((c) => !providerIds?.length || providerIds.includes(c.providerId))
    .filter((c) => c.status === 'error' || c.status === 'needs_reauth')
    .map((c) => ({
      provider_id: c.providerId,
      cause: c.status === 'needs_reauth' ? 'provider_auth_failed' : (c.lastError?.cause ?? 'provider_unavailable'),
      message: `${c.displayLabel}: ${c.lastError?.message ?? 'the last sync failed'}`,
    }));
}
