import type { PortfolioConnectionsTable } from '../../kernel/db/schema.ts';
import type { AuthType } from '../catalog/provider-definition.ts';
import type { ErrorItem } from '../errors.ts';

/** A CSV import's stored file: its sealed parts, read one at a time, and the key that opens them (on the CSV worker). */
export interface StoredCsvFile {
  key: Uint8Array;
  part(index: number): Promise<string | undefined>;
}

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
  // `name`: the ENS name it was linked by (resolved to `address` at link time).
  | { type: 'wallet'; address: string; chain: string; kind: 'address' | 'xpub'; name?: string }
  // `parts`: the file is stored apart, sealed in that many parts (portfolio_csv_parts), and `file`
  // reads them (set when the credentials are opened, never stored); `content`: imports stored whole before that.
  | { type: 'csv'; format: string; parts?: number; content?: string; file?: StoredCsvFile }
  | { type: 'api_key'; api_key: string; secret_key: string; passphrase?: string }
  // Linked: the exchange's tokens. Pending (sent to the exchange's consent): the PKCE verifier
  // and where the person returns once it is done.
  | {
      type: 'oauth2';
      access_token?: string;
      refresh_token?: string;
      expires_at?: number;
      pending?: { verifier: string; returnTo?: string };
    };

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
