import type { PortfolioConnectionsTable } from '../../kernel/db/schema.ts';
import type { AuthType } from '../catalog/provider-definition.ts';
import type { ErrorItem } from '../errors.ts';

export type ConnectionStatus = PortfolioConnectionsTable['status'];

export interface Connection {
  id: string;
  userId: string;
  providerId: string;
  authType: AuthType;
  displayLabel: string;
  status: ConnectionStatus;
  lastError: ErrorItem | null;
  txCursor: string | null;
  lastRefreshedAt: number | null;
  lastRefreshRequestedAt: number | null;
  createdAt: number;
}

/** What a connection holds secret, sealed at rest; never returned by the API nor logged. */
export type Credentials =
  | { type: 'wallet'; address: string; chain: string; kind: 'address' | 'xpub' }
  | { type: 'csv'; format: string; content: string }
  | { type: 'api_key'; api_key: string; secret_key: string; passphrase?: string }
  | { type: 'oauth2'; access_token?: string; refresh_token?: string; expires_at?: number };

export function toConnection(row: PortfolioConnectionsTable): Connection {
  return {
    id: row.id,
    userId: row.user_id,
    providerId: row.provider_id,
    authType: row.auth_type as AuthType,
    displayLabel: row.display_label,
    status: row.status,
    lastError: row.last_error ? (JSON.parse(row.last_error) as ErrorItem) : null,
    txCursor: row.tx_cursor,
    lastRefreshedAt: row.last_refreshed_at,
    lastRefreshRequestedAt: row.last_refresh_requested_at,
    createdAt: row.created_at,
  };
}
