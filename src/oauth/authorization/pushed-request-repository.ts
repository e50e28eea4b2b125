import type { Db } from '../../kernel/db/database.ts';
import type { ReadParams } from '../endpoints/read-params.ts';

export interface PushedRequest {
  requestUriHash: string;
  clientId: string;
  params: ReadParams;
  createdAt: number;
  expiresAt: number;
}

/**
 * Pushed authorization requests (RFC 9126), by the hash of their request_uri. `consume` is the
 * only way to read one, and succeeds once: a compare-and-set on `consumed_at`, so two browsers
 * racing with one request_uri (or two nodes) get one winner.
 */
export class PushedRequestRepository {
  constructor(private readonly db: Db) {}

  async insert(request: PushedRequest): Promise<void> {
    await this.db
      .insertInto('pushed_authorization_requests')
      .values({
        request_uri_hash: request.requestUriHash,
        client_id: request.clientId,
        params: JSON.stringify(request.params),
        created_at: request.createdAt,
        expires_at: request.expiresAt,
        consumed_at: null,
      })
      .execute();
  }

  /** The request's parameters if it exists, belongs to `clientId`, is unexpired and unused; it is then used. */
  async consume(requestUriHash: string, clientId: string, now: number): Promise<ReadParams | undefined> {
    const row = await this.db
      .updateTable('pushed_authorization_requests')
      .set({ consumed_at: now })
      .where('request_uri_hash', '=', requestUriHash)
      .where('client_id', '=', clientId)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('params')
      .executeTakeFirst();
    return row && (JSON.parse(row.params) as ReadParams);
  }

  /** Why `consume` found nothing, for the error page: the row's state, if there is a row. */
  async whyUnavailable(
    requestUriHash: string,
    clientId: string,
    now: number,
  ): Promise<'unknown' | 'other client' | 'used' | 'expired'> {
    const row = await this.db
      .selectFrom('pushed_authorization_requests')
      .select(['client_id', 'consumed_at', 'expires_at'])
      .where('request_uri_hash', '=', requestUriHash)
      .executeTakeFirst();
    if (!row) return 'unknown';
    if (row.client_id !== clientId) return 'other client';
    if (row.consumed_at !== null) return 'used';
    return row.expires_at <= now ? 'expired' : 'unknown';
  }
}
