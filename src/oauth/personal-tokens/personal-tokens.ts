import type { Db } from '../../kernel/db/database.ts';
import { newId, newOpaqueToken, sha256 } from '../../kernel/crypto/tokens.ts';
import type { Clock } from '../../kernel/clock.ts';
import { fromJsonList, toJsonList } from '../../kernel/json-list.ts';
import type { ScopeRegistry } from '../../kernel/scope-registry.ts';
import { OIDC_SCOPES } from '../core-scopes.ts';

export interface PersonalToken {
  id: string;
  userId: string;
  name: string;
  scopes: string[];
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
}

export class InvalidPersonalToken extends Error {}

/** Writes `last_used_at` at most this often per token, so a busy token is not a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Personal access tokens: shown once at creation, stored as SHA-256 hashes, limited to product
 * scopes, listed with their last use, revocable at once.
 */
export class PersonalTokens {
  constructor(
    private readonly db: Db,
    private readonly registry: ScopeRegistry,
    private readonly clock: Clock,
  ) {}

  async create(input: {
    userId: string;
    name: string;
    scopes: string[];
    ttlSeconds?: number;
  }): Promise<{ id: string; token: string }> {
    const name = input.name.trim();
    if (!name || name.length > 100) throw new InvalidPersonalToken('give the token a name of at most 100 characters');
    if (input.scopes.length === 0) throw new InvalidPersonalToken('choose at least one scope');
    for (const scope of input.scopes) {
      if (!this.registry.scope(scope) || OIDC_SCOPES.has(scope))
        throw new InvalidPersonalToken(`scope ${scope} cannot be given to a personal access token`);
    }
    const token = newOpaqueToken('pat_');
    const id = newId();
    const now = this.clock.now();
    await this.db
      .insertInto('personal_access_tokens')
      .values({
        id,
        user_id: input.userId,
        name,
        token_hash: sha256(token),
        scopes: toJsonList([...new Set(input.scopes)]),
        created_at: now,
        last_used_at: null,
        expires_at: input.ttlSeconds ? now + input.ttlSeconds * 1000 : null,
        revoked_at: null,
      })
      .execute();
    return { id, token };
  }

  async list(userId: string): Promise<PersonalToken[]> {
    const rows = await this.db
      .selectFrom('personal_access_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      name: r.name,
      scopes: fromJsonList(r.scopes),
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      expiresAt: r.expires_at,
    }));
  }

  async revoke(userId: string, id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('personal_access_tokens')
      .set({ revoked_at: this.clock.now() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The live token behind `token`, or undefined; records its use. */
  async verify(token: string): Promise<PersonalToken | undefined> {
    const now = this.clock.now();
    const row = await this.db
      .selectFrom('personal_access_tokens')
      .selectAll()
      .where('token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now)) return undefined;
    if (row.last_used_at === null || now - row.last_used_at > LAST_USED_RESOLUTION_MS) {
      await this.db.updateTable('personal_access_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
    }
    return {
      id: row.id,
      userId: row.user_id,
      name: row.name,
      scopes: fromJsonList(row.scopes),
      createdAt: row.created_at,
      lastUsedAt: now,
      expiresAt: row.expires_at,
    };
  }
}
