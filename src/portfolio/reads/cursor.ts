import { createHmac, hkdfSync } from 'node:crypto';
import { constantTimeEqual } from '../../kernel/crypto/tokens.ts';
import { badRequest } from '../errors.ts';
import type { ListFilter } from './list-query.ts';

/** What a v2 cursor remembers: where the last page ended and the filters of the first page. */
export interface CursorState {
  /** Keyset position (transactions: timestamp + id; assets: sort key). */
  after: { t?: number; id: string };
  filter: ListFilter;
  /** The page size asked for on the first page; later pages keep it unless `limit` is sent again. */
  limit?: number;
}

/** Opaque, tamper-evident cursors: base64url JSON plus an HMAC under a key derived from SECRET_KEY. */
export class CursorCodec {
  private readonly key: Buffer;

  constructor(secretKey: Buffer, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), `consentry:portfolio-cursor:${purpose}`, 32));
  }

  encode(state: CursorState): string {
    const body = Buffer.from(JSON.stringify(state)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** @throws ApiError 400 for anything this server did not issue */
  decode(cursor: string): CursorState {
    const [body, mac] = cursor.split('.');
    if (!body || !mac || !constantTimeEqual(mac, this.sign(body)))
      throw badRequest('cursor is invalid; use page.next_cursor as it was returned');
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CursorState;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 32);
  }
}
