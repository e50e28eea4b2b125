import { sql } from 'kysely';
import type { Db } from '../../kernel/db/database.ts';
import type { SpamReason } from './spam-verdict.ts';

/**
 * The facts spam verdicts rest on (how each connection came by each token; facts only ever
 * become true) and the verdicts themselves, per person: a row for each token that is spam for them.
 */
export class SpamRepository {
  constructor(private readonly db: Db) {}

  /** Adds a page's facts to what is known; a fact once true stays true (until the connection goes). */
  async recordActivity(
    connectionId: string,
    userId: string,
    activity: Array<{ assetId: string; unsolicited: boolean; solicited: boolean }>,
    db: Db = this.db,
  ): Promise<void> {
    for (let i = 0; i < activity.length; i += 400) {
      await db
        .insertInto('portfolio_token_activity')
        .values(
          activity.slice(i, i + 400).map((a) => ({
            connection_id: connectionId,
            asset_id: a.assetId,
            user_id: userId,
            unsolicited: a.unsolicited ? 1 : 0,
            solicited: a.solicited ? 1 : 0,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['connection_id', 'asset_id']).doUpdateSet({
            unsolicited: sql<number>`case when excluded.unsolicited = 1 then 1 else portfolio_token_activity.unsolicited end`,
            solicited: sql<number>`case when excluded.solicited = 1 then 1 else portfolio_token_activity.solicited end`,
          }),
        )
        .execute();
    }
  }

  /** The person's facts per token, over all their connections. */
  async activityOf(userId: string): Promise<Map<string, { unsolicited: boolean; solicited: boolean }>> {
    const rows = await this.db
      .selectFrom('portfolio_token_activity')
      .select(['asset_id', 'unsolicited', 'solicited'])
      .where('user_id', '=', userId)
      .execute();
    const out = new Map<string, { unsolicited: boolean; solicited: boolean }>();
    for (const row of rows) {
      const entry = out.get(row.asset_id) ?? { unsolicited: false, solicited: false };
      entry.unsolicited ||= row.unsolicited === 1;
      entry.solicited ||= row.solicited === 1;
      out.set(row.asset_id, entry);
    }
    return out;
  }

  /** The tokens that are spam for the person, with why. */
  async flaggedOf(userId: string): Promise<Map<string, SpamReason>> {
    const rows = await this.db
      .selectFrom('portfolio_spam_assets')
      .select(['asset_id', 'reason'])
      .where('user_id', '=', userId)
      .execute();
    return new Map(rows.map((r) => [r.asset_id, r.reason as SpamReason]));
  }

  /** Writes the verdicts that changed: `flag` (new, or with another reason) and `clear` (no longer spam). */
  async saveVerdicts(
    userId: string,
    flag: Array<{ assetId: string; reason: SpamReason }>,
    clear: string[],
    now: number,
  ): Promise<void> {
    if (flag.length === 0 && clear.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < clear.length; i += 500)
        await trx
          .deleteFrom('portfolio_spam_assets')
          .where('user_id', '=', userId)
          .where('asset_id', 'in', clear.slice(i, i + 500))
          .execute();
      for (let i = 0; i < flag.length; i += 500)
        await trx
          .insertInto('portfolio_spam_assets')
          .values(
            flag
              .slice(i, i + 500)
              .map((f) => ({ user_id: userId, asset_id: f.assetId, reason: f.reason, decided_at: now })),
          )
          .onConflict((oc) =>
            oc.columns(['user_id', 'asset_id']).doUpdateSet((eb) => ({
              reason: eb.ref('excluded.reason'),
              decided_at: eb.ref('excluded.decided_at'),
            })),
          )
          .execute();
    });
  }
}
