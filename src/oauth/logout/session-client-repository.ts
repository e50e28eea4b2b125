import type { Db } from '../../kernel/db/database.ts';

/** A client that authenticated the person in a sign-in session, with where its logout token goes. */
export interface SessionClient {
  sessionId: string;
  clientId: string;
  userId: string;
  backchannelLogoutUri: string | null;
}

/** Which clients authenticated the person in which sign-in session (Back-Channel Logout's audience). */
export class SessionClientRepository {
  constructor(private readonly db: Db) {}

  /** Remembers that `clientId` signed the person in through this session; a repeat changes nothing. */
  async record(sessionId: string, clientId: string, userId: string, now: number): Promise<void> {
    await this.db
      .insertInto('session_clients')
      .values({ session_id: sessionId, client_id: clientId, user_id: userId, created_at: now })
      .onConflict((c) => c.columns(['session_id', 'client_id']).doNothing())
      .execute();
  }

  /** The clients of the ended sessions, with their current back-channel logout URI. */
  async listForSessions(sessionIds: readonly string[]): Promise<SessionClient[]> {
    if (sessionIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('session_clients as s')
      .innerJoin('clients as c', 'c.id', 's.client_id')
      .select(['s.session_id', 's.client_id', 's.user_id', 'c.backchannel_logout_uri'])
      .where('s.session_id', 'in', sessionIds)
      .execute();
    return rows.map((row) => ({
      sessionId: row.session_id,
      clientId: row.client_id,
      userId: row.user_id,
      backchannelLogoutUri: row.backchannel_logout_uri ?? null,
    }));
  }

  async deleteForSessions(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.db.deleteFrom('session_clients').where('session_id', 'in', sessionIds).execute();
  }

  /** For the janitor: rows of sessions that ended without a sign-out (they expired). */
  async deleteOrphans(limit: number): Promise<number> {
    const orphans = this.db
      .selectFrom('session_clients as s')
      .select('s.session_id')
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('sessions').select('sessions.id').whereRef('sessions.id', '=', 's.session_id'))),
      )
      .limit(limit);
    const result = await this.db.deleteFrom('session_clients').where('session_id', 'in', orphans).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
