import type { Catalog } from '../catalog/catalog.ts';
import { providerMetadata, type ProviderMetadata } from '../catalog/provider-definition.ts';
import type { Connection } from '../connections/connection.ts';
import { withEndUserCode, type ErrorItem } from '../errors.ts';

export interface ConnectedProviderView {
  connection_id: string;
  provider_id: string;
  display_label: string;
  auth_type: string;
  status: string;
  last_refreshed_at?: number;
  error?: ErrorItem;
  provider: ProviderMetadata;
}

/** A connection as the API shows it: never its credentials. */
export function connectedProvider(
  connection: Connection,
  catalog: Catalog,
  baseUrl = '',
  degraded: ReadonlySet<string> = new Set(),
): ConnectedProviderView {
  const definition = catalog.find(connection.providerId);
  const provider: ProviderMetadata = definition
    ? providerMetadata(definition, degraded.has(definition.providerId) ? 'degraded' : 'available', baseUrl)
    : {
        provider_id: connection.providerId,
        name: connection.providerId,
        category: 'exchange',
        auth_types: [connection.authType],
        status: 'degraded',
      };
  return {
    connection_id: connection.id,
    provider_id: connection.providerId,
    display_label: connection.displayLabel,
    auth_type: connection.authType,
    status: connection.status,
    ...(connection.lastRefreshedAt !== null ? { last_refreshed_at: connection.lastRefreshedAt } : {}),
    ...(connection.lastError && (connection.status === 'error' || connection.status === 'needs_reauth')
      ? { error: withEndUserCode(connection.lastError) }
      : {}),
    provider,
  };
}
