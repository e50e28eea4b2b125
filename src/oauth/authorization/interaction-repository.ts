import type { Db } from '../../kernel/db/database.ts';
import type { AuthorizationRequest } from './authorization-request.ts';

export interface Interaction {
  id: string;
  request: AuthorizationRequest;
  createdAt: number;
  expiresAt: number;
  /** Who asked (a hash of their IP address), when known. */
  requester?: string;
}

/** Pending authorization requests, waiting for the person to sign in and consent. */
export class InteractionRepository {
  constructor(private readonly db: Db) {}

  async insert(interaction: Interaction): Promise<void> {
    await this.db
      .insertInto('interactions')
      .values({
        id: interaction.id,
        client_id: interaction.request.clientId,
        request: JSON.stringify(interaction.request),
        created_at: interaction.createdAt,
        expires_at: interaction.expiresAt,
        requester: interaction.requester ?? null,
      })
      .execute();
  }

  async find(id: string, now: number): Promise<Interaction | undefined> {
    const row = await this.db
      .selectFrom('interactions')
      .selectAll()
      .where('id', '=', id)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        request: JSON.parse(row.request) as AuthorizationRequest,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      }
    );
  }

  /** How many unexpired requests one requester has pending (an indexed count). */
  async countPending(requester: string, now: number): Promise<number> {
    const row = await this.db
      .selectFrom('interactions')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('requester', '=', requester)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async updateRequest(id: string, request: AuthorizationRequest): Promise<void> {
    await this.db
      .updateTable('interactions')
      .set({ request: JSON.stringify(request) })
      .where('id', '=', id)
      .execute();
  }

  /** Ends the interaction; only the caller that deletes it may answer it (no double consent). */
  async take(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('interactions').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}
