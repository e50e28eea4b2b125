import type { Db } from '../../kernel/db/database.ts';
import { sha256 } from '../../kernel/crypto/tokens.ts';

/**
 * JWT ids already used, in the database so every node sees them (RFC 7523 §3 item 7, RFC 9101
 * §10.8): a client assertion or request object is accepted once. A row lives until the JWT it
 * names expires (then the JWT is refused for its `exp` anyway) and the janitor removes it.
 * Keys are hashed: a `jti` is chosen by the client and may be long.
 */
export class SeenJtis {
  constructor(private readonly db: Db) {}

  /** Records `jti` of `issuer` for `purpose`; false when it was recorded before (a replay). */
  async firstUse(purpose: string, issuer: string, jti: string, expiresAt: number): Promise<boolean> {
    const result = await this.db
      .insertInto('seen_jtis')
      .values({ key_hash: sha256(`${purpose}\n${issuer}\n${jti}`), expires_at: expiresAt })
      .onConflict((oc) => oc.column('key_hash').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }
}
