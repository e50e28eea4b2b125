import type { Db } from '../../kernel/db/database.ts';

/**
 * The narrow question a product asks about the consent behind a token: which grant an access
 * token's family was issued under, and whether that grant still stands (a deleted client's
 * grants are gone, so they do not).
 */
export interface GrantStatus {
  grantOfFamily(familyId: string): Promise<{ grantId: string; clientId: string } | undefined>;
  isGrantActive(grantId: string): Promise<boolean>;
}

export function createGrantStatus(db: Db): GrantStatus {
  return {
    async grantOfFamily(familyId) {
      const row = await db
        .selectFrom('token_families')
        .select(['grant_id', 'client_id'])
        .where('id', '=', familyId)
        .executeTakeFirst();
      return row?.grant_id ? { grantId: row.grant_id, clientId: row.client_id } : undefined;
    },
    async isGrantActive(grantId) {
      const row = await db
        .selectFrom('grants')
        .select('id')
        .where('id', '=', grantId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Boolean(row);
    },
  };
}
