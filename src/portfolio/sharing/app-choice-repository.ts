import type { Db } from '../../kernel/db/database.ts';

/** The connections a person chose to share with each app (portfolio_app_choices / _connections). */
export class AppChoiceRepository {
  constructor(private readonly db: Db) {}

  /** The chosen connection ids, or undefined when the person never chose for this app. */
  async find(userId: string, clientId: string): Promise<string[] | undefined> {
    const choice = await this.db
      .selectFrom('portfolio_app_choices')
      .select('chosen_at')
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    if (!choice) return undefined;
    const rows = await this.db
      .selectFrom('portfolio_app_connections')
      .select('connection_id')
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .execute();
    return rows.map((r) => r.connection_id);
  }

  /** Replaces the choice whole: exactly these connections (none is a choice too). */
  async replace(userId: string, clientId: string, connectionIds: string[], now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('portfolio_app_choices')
        .set({ chosen_at: now })
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0)
        await trx
          .insertInto('portfolio_app_choices')
          .values({ user_id: userId, client_id: clientId, chosen_at: now })
          .execute();
      await trx
        .deleteFrom('portfolio_app_connections')
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .execute();
      if (connectionIds.length)
        await trx
          .insertInto('portfolio_app_connections')
          .values(connectionIds.map((id) => ({ user_id: userId, client_id: clientId, connection_id: id })))
          .execute();
    });
  }

  /** Adds connections to an existing choice; an app with no choice already sees everything. */
  async add(userId: string, clientId: string, connectionIds: string[]): Promise<void> {
    if (connectionIds.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      const chosen = await trx
        .selectFrom('portfolio_app_choices')
        .select('chosen_at')
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      if (!chosen) return;
      const have = new Set(
        (
          await trx
            .selectFrom('portfolio_app_connections')
            .select('connection_id')
            .where('user_id', '=', userId)
            .where('client_id', '=', clientId)
            .execute()
        ).map((r) => r.connection_id),
      );
      const fresh = connectionIds.filter((id) => !have.has(id));
      if (fresh.length)
        await trx
          .insertInto('portfolio_app_connections')
          .values(fresh.map((id) => ({ user_id: userId, client_id: clientId, connection_id: id })))
          .execute();
    });
  }
}
