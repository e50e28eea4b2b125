import type { Db } from '../../kernel/db/database.ts';
import type { DeviceAuthorizationsTable } from '../../kernel/db/schema.ts';
import { fromJsonList, toJsonList } from '../../kernel/json-list.ts';

export type DeviceAuthorizationStatus = DeviceAuthorizationsTable['status'];

/** A device's request to be signed in, and what became of it. */
export interface DeviceAuthorization {
  id: string;
  deviceCodeHash: string;
  userCodeHash: string;
  clientId: string;
  scopes: string[];
  resources: string[];
  status: DeviceAuthorizationStatus;
  /** Seconds the device must leave between polls (slow_down adds 5). */
  interval: number;
  lastPolledAt: number | null;
  /** Set once the person approved. */
  userId: string | null;
  grantId: string | null;
  authTime: number | null;
  createdAt: number;
  expiresAt: number;
  /** Approved under a grant that has been revoked since. */
  grantRevoked: boolean;
}

export type NewDeviceAuthorization = Pick<
  DeviceAuthorization,
  | 'id'
  | 'deviceCodeHash'
  | 'userCodeHash'
  | 'clientId'
  | 'scopes'
  | 'resources'
  | 'interval'
  | 'createdAt'
  | 'expiresAt'
>;

type Row = DeviceAuthorizationsTable & { live_grant_id: string | null };

/**
 * Device authorizations. Every change of state is a compare-and-set on `status`, so two polls,
 * or two tabs deciding, on any number of nodes, produce one outcome.
 */
export class DeviceAuthorizationRepository {
  constructor(private readonly db: Db) {}

  async insert(authorization: NewDeviceAuthorization): Promise<void> {
    await this.db
      .insertInto('device_authorizations')
      .values({
        id: authorization.id,
        device_code_hash: authorization.deviceCodeHash,
        user_code_hash: authorization.userCodeHash,
        client_id: authorization.clientId,
        scopes: toJsonList(authorization.scopes),
        resources: toJsonList(authorization.resources),
        status: 'pending',
        poll_interval: authorization.interval,
        last_polled_at: null,
        user_id: null,
        grant_id: null,
        auth_time: null,
        family_id: null,
        created_at: authorization.createdAt,
        expires_at: authorization.expiresAt,
      })
      .execute();
  }

  findByDeviceCodeHash(hash: string): Promise<DeviceAuthorization | undefined> {
    return this.findBy('device_code_hash', hash);
  }

  findByUserCodeHash(hash: string): Promise<DeviceAuthorization | undefined> {
    return this.findBy('user_code_hash', hash);
  }

  findById(id: string): Promise<DeviceAuthorization | undefined> {
    return this.findBy('id', id);
  }

  /**
   * Records a poll made in time: only if no other poll was recorded since `previousPollAt` was
   * read (two racing polls: one of them was too fast).
   */
  async recordPoll(id: string, previousPollAt: number | null, now: number): Promise<boolean> {
    let update = this.db
      .updateTable('device_authorizations')
      .set({ last_polled_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending');
    update =
      previousPollAt === null
        ? update.where('last_polled_at', 'is', null)
        : update.where('last_polled_at', '=', previousPollAt);
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** RFC 8628 §3.5: after slow_down the interval is 5 seconds longer, for this and every later poll. */
  async slowDown(id: string, now: number): Promise<void> {
    await this.db
      .updateTable('device_authorizations')
      .set((eb) => ({ poll_interval: eb('poll_interval', '+', 5), last_polled_at: now }))
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  }

  /** The person approved: false when it was decided already or has expired. */
  async approve(
    id: string,
    approval: { userId: string; grantId: string; authTime: number },
    now: number,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('device_authorizations')
      .set({ status: 'approved', user_id: approval.userId, grant_id: approval.grantId, auth_time: approval.authTime })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The person denied: false when it was decided already or has expired. */
  async deny(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('device_authorizations')
      .set({ status: 'denied' })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * The one poll that collects an approval: marks it consumed and names the token family it
   * produces, only while its grant is still active (a revocation racing the poll holds).
   */
  async consume(id: string, familyId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('device_authorizations')
      .set({ status: 'consumed', family_id: familyId })
      .where('id', '=', id)
      .where('status', '=', 'approved')
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('grants')
            .select('grants.id')
            .whereRef('grants.id', '=', 'device_authorizations.grant_id')
            .where('grants.revoked_at', 'is', null),
        ),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** A revoked grant: approvals no device has collected yet become denials. */
  async denyAllOfGrant(grantId: string): Promise<void> {
    await this.db
      .updateTable('device_authorizations')
      .set({ status: 'denied' })
      .where('grant_id', '=', grantId)
      .where('status', '=', 'approved')
      .execute();
  }

  private async findBy(
    column: 'id' | 'device_code_hash' | 'user_code_hash',
    value: string,
  ): Promise<DeviceAuthorization | undefined> {
    const row = await this.db
      .selectFrom('device_authorizations as d')
      .leftJoin('grants as g', (join) => join.onRef('g.id', '=', 'd.grant_id').on('g.revoked_at', 'is', null))
      .selectAll('d')
      .select('g.id as live_grant_id')
      .where(`d.${column}`, '=', value)
      .executeTakeFirst();
    return row && fromRow(row);
  }
}

function fromRow(row: Row): DeviceAuthorization {
  return {
    id: row.id,
    deviceCodeHash: row.device_code_hash,
    userCodeHash: row.user_code_hash,
    clientId: row.client_id,
    scopes: fromJsonList(row.scopes),
    resources: fromJsonList(row.resources),
    status: row.status,
    interval: row.poll_interval,
    lastPolledAt: row.last_polled_at,
    userId: row.user_id,
    grantId: row.grant_id,
    authTime: row.auth_time,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    grantRevoked: row.grant_id !== null && row.live_grant_id === null,
  };
}
