import { sql, type Kysely } from 'kysely';

/**
 * A token family's `expires_at` tells the janitor when to delete it, and with it every refresh
 * token it holds (on delete cascade). Rotations used to move it only once a successor outlived
 * it by more than a day, so a successor could outlive its family by up to a day: a client that
 * kept it unused until its last day found it deleted, as if it had expired early. Rotations now
 * keep the family a day ahead of its newest token, or one lifetime ahead for tokens that live
 * less than a day (refresh-token.ts); this gives the families stored before a day, since their
 * tokens' lifetime is not known here. Revoked families are left as they are: their tokens no
 * longer work in any case. Reads refresh_tokens once, in the order of refresh_tokens_family.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update token_families
    set expires_at = newest.expires_at + 86400000
    from (select family_id, max(expires_at) as expires_at from refresh_tokens group by family_id) as newest
    where newest.family_id = token_families.id
      and token_families.revoked_at is null
      and token_families.expires_at < newest.expires_at`.execute(db);
}

/** Later expiries are harmless to the schema before: nothing to undo. */
export async function down(): Promise<void> {}
