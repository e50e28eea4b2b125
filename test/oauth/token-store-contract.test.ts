import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/kernel/db/database.ts';
import { migrateToLatest } from '../../src/kernel/db/migrate.ts';
import { newTimeOrderedId } from '../../src/kernel/crypto/tokens.ts';
import { GrantRepository } from '../../src/oauth/consent/grant-repository.ts';
import {
  AuthorizationCodeRepository,
  type CodeRedemption,
  type NewAuthorizationCode,
} from '../../src/oauth/tokens/authorization-code-repository.ts';
import {
  TokenFamilyRepository,
  type NewRefreshToken,
  type NewTokenFamily,
  type RefreshTokenRotation,
} from '../../src/oauth/tokens/token-family-repository.ts';
import {
  createPostgresTokenStore,
  createSqliteTokenStore,
  type TokenStore,
} from '../../src/oauth/tokens/token-store.ts';
import { freshDatabaseUrl, testDialects, type TestDialect } from '../helpers/database.ts';

interface Implementation {
  name: string;
  dialect: TestDialect;
  create(handle: DatabaseHandle): TokenStore;
}

/** Every implementation of `TokenStore`: SQLite's in every run, PostgreSQL's too in CI. */
const implementations: Implementation[] = [
  {
    name: 'prepared SQLite statements in group commits',
    dialect: 'sqlite',
    create: (handle) => {
      if (handle.dialect !== 'sqlite') throw new Error('expected SQLite');
      return createSqliteTokenStore(handle, { checkUnits: true });
    },
  },
  ...(testDialects().includes('postgres')
    ? [
        {
          name: 'prepared PostgreSQL statements',
          dialect: 'postgres' as const,
          create: (handle: DatabaseHandle) => {
            if (handle.dialect !== 'postgres') throw new Error('expected PostgreSQL');
            return createPostgresTokenStore(handle);
          },
        },
      ]
    : []),
];

const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;

describe.each(implementations)('issue 10, item 3: the token-store contract — $name', (implementation) => {
  let handle: DatabaseHandle;
  let drop: () => Promise<void>;
  let store: TokenStore;
  let families: TokenFamilyRepository;
  let codes: AuthorizationCodeRepository;
  let grants: GrantRepository;
  const userId = 'user-1';
  const clientId = 'client-1';

  beforeAll(async () => {
    const database = await freshDatabaseUrl(implementation.dialect);
    drop = database.drop;
    handle = openDatabase(database.url);
    await migrateToLatest(handle.db);
    store = implementation.create(handle);
    families = new TokenFamilyRepository(handle.db);
    codes = new AuthorizationCodeRepository(handle.db);
    grants = new GrantRepository(handle.db);
    await handle.db
      .insertInto('users')
      .values({
        id: userId,
        email: null,
        phone: null,
        email_verified_at: null,
        phone_verified_at: null,
        name: null,
        time_zone: null,
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
    await handle.db
      .insertInto('clients')
      .values({
        id: clientId,
        name: 'Contract',
        type: 'confidential',
        secret_hash: null,
        secret_expires_at: null,
        redirect_uris: '["http://127.0.0.1/cb"]',
        allowed_scopes: '["openid"]',
        default_scopes: '[]',
        grant_types: '["authorization_code","refresh_token"]',
        logo_uri: null,
        allow_plain_pkce: 0,
        access_token_ttl: null,
        refresh_token_ttl: null,
        owner_user_id: null,
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
  });

  afterAll(async () => {
    await handle.close();
    await drop();
  });

  /** A grant of its own per test (grants are one per user and client while active: revoke it to start another). */
  const newGrant = async () => {
    const id = newTimeOrderedId();
    const active = await grants.findActive(userId, clientId);
    if (active) await grants.revoke(active.id, userId, NOW);
    return grants.approve(id, userId, clientId, ['openid', 'offline_access'], ['https://api.example/'], NOW);
  };

  const newFamily = (grantId: string | null, overrides: Partial<NewTokenFamily> = {}): NewTokenFamily => ({
    id: newTimeOrderedId(),
    grantId,
    clientId,
    userId,
    scopes: ['openid', 'offline_access'],
    resources: ['https://api.example/'],
    authTime: NOW - HOUR,
    sessionId: 'session-of-the-code',
    createdAt: NOW,
    expiresAt: NOW + 24 * HOUR,
    ...overrides,
  });

  const newRefreshToken = (familyId: string, overrides: Partial<NewRefreshToken> = {}): NewRefreshToken => ({
    id: newTimeOrderedId(),
    tokenHash: `hash-${newTimeOrderedId()}`,
    familyId,
    parentId: null,
    scopes: ['openid'],
    createdAt: NOW,
    expiresAt: NOW + 24 * HOUR,
    accessJti: `jti-${newTimeOrderedId()}`,
    accessExpiresAt: NOW + HOUR,
    dpopJkt: null,
    ...overrides,
  });

  /** A family with one refresh token, committed through the store under test. */
  const issueFamily = async (grantId: string | null = null) => {
    const family = newFamily(grantId);
    const token = newRefreshToken(family.id);
    await store.transact(async (tx) => {
      await tx.families.insertFamily(family);
      await tx.families.insertRefreshToken(token);
    });
    return { family, token };
  };

  const newCode = (grantId: string, overrides: Partial<NewAuthorizationCode> = {}): NewAuthorizationCode => ({
    codeHash: `code-${newTimeOrderedId()}`,
    clientId,
    userId,
    grantId,
    redirectUri: 'http://127.0.0.1/cb',
    redirectUriSent: true,
    codeChallenge: 'challenge',
    codeChallengeMethod: 'S256',
    scopes: ['openid', 'offline_access'],
    resources: ['https://api.example/'],
    nonce: 'n-1',
    authTime: NOW - HOUR,
    expiresAt: NOW + 60_000,
    ...overrides,
  });

  it('stores a new family and refresh token from domain objects and reads them back as one record', async () => {
    const grantId = await newGrant();
    const { family, token } = await issueFamily(grantId);
    const child = newRefreshToken(family.id, {
      parentId: token.id,
      scopes: [],
      accessJti: null,
      accessExpiresAt: null,
      dpopJkt: 'jkt-of-a-dpop-key',
    });
    await store.transact((tx) => tx.families.insertRefreshToken(child));

    expect(await store.read((tx) => tx.families.findRefreshToken(token.tokenHash))).toEqual({
      grantRevoked: false,
      id: token.id,
      familyId: family.id,
      status: 'active',
      scopes: ['openid'],
      createdAt: NOW,
      expiresAt: NOW + 24 * HOUR,
      rotatedAt: null,
      accessJti: token.accessJti,
      accessExpiresAt: NOW + HOUR,
      successorResponse: null,
      successorResponseExpiresAt: null,
      dpopJkt: null,
      family: {
        id: family.id,
        grantId,
        clientId,
        userId,
        scopes: ['openid', 'offline_access'],
        resources: ['https://api.example/'],
        authTime: NOW - HOUR,
        sessionId: 'session-of-the-code',
        expiresAt: NOW + 24 * HOUR,
        revokedAt: null,
      },
    });
    expect(await store.read((tx) => tx.families.findRefreshToken(child.tokenHash))).toMatchObject({
      id: child.id,
      scopes: [],
      accessJti: null,
      accessExpiresAt: null,
      dpopJkt: 'jkt-of-a-dpop-key',
    });
    // The rows are the storage's business, but both implementations must write the same ones.
    expect(
      await handle.db.selectFrom('refresh_tokens').selectAll().where('id', '=', child.id).executeTakeFirst(),
    ).toEqual({
      id: child.id,
      token_hash: child.tokenHash,
      family_id: family.id,
      parent_id: token.id,
      status: 'active',
      scopes: '[]',
      created_at: NOW,
      expires_at: NOW + 24 * HOUR,
      rotated_at: null,
      access_jti: null,
      access_expires_at: null,
      successor_response: null,
      successor_response_expires_at: null,
      dpop_jkt: 'jkt-of-a-dpop-key',
    });
    expect(
      await handle.db.selectFrom('token_families').selectAll().where('id', '=', family.id).executeTakeFirst(),
    ).toEqual({
      id: family.id,
      grant_id: grantId,
      client_id: clientId,
      user_id: userId,
      scopes: '["openid","offline_access"]',
      resources: '["https://api.example/"]',
      auth_time: NOW - HOUR,
      created_at: NOW,
      expires_at: NOW + 24 * HOUR,
      revoked_at: null,
      session_id: 'session-of-the-code',
    });
  });

  it('finds nothing for an unknown refresh token', async () => {
    expect(await store.read((tx) => tx.families.findRefreshToken('no-such-hash'))).toBeUndefined();
  });

  it('rotates a refresh token once: markRotated is a compare-and-set, the second one fails', async () => {
    const { token } = await issueFamily();
    const outcomes = await Promise.all(
      [1, 2].map((n) =>
        store.transact((tx) => tx.families.markRotated(token.id, NOW + n, `response-${n}`, NOW + 10_000 + n)),
      ),
    );
    // Which one wins is up to the database (PostgreSQL runs them on two connections); one does.
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const n = outcomes.indexOf(true) + 1;
    expect(await store.read((tx) => tx.families.findRefreshToken(token.tokenHash))).toMatchObject({
      status: 'rotated',
      rotatedAt: NOW + n,
      successorResponse: `response-${n}`,
      successorResponseExpiresAt: NOW + 10_000 + n,
    });
    expect(await store.transact((tx) => tx.families.markRotated(token.id, NOW + 3, null, null))).toBe(false);
  });

  it('rotates in one unit: only the first rotation of a token writes its successor, expiry and revocation', async () => {
    const { family, token } = await issueFamily();
    const rotation = (n: number): RefreshTokenRotation => ({
      rotatedId: token.id,
      rotatedAt: NOW + n,
      replayable: `parked-${n}`,
      replayableUntil: NOW + 10_000 + n,
      successor: newRefreshToken(family.id, { parentId: token.id, createdAt: NOW + n, dpopJkt: `jkt-${n}` }),
      familyExpiresAt: NOW + 48 * HOUR + n,
      revokedAccessToken: { jti: `${token.accessJti}-${n}`, expiresAt: NOW + HOUR + n },
    });
    const rotations = [1, 2].map(rotation);
    const outcomes = await Promise.all(rotations.map((r) => store.transactOne((tx) => tx.families.rotate(r))));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const n = outcomes.indexOf(true) + 1;
    const [won, lost] = n === 1 ? rotations : [rotations[1]!, rotations[0]!];
    expect(await store.read((tx) => tx.families.findRefreshToken(token.tokenHash))).toMatchObject({
      status: 'rotated',
      rotatedAt: NOW + n,
      successorResponse: `parked-${n}`,
      successorResponseExpiresAt: NOW + 10_000 + n,
      family: { expiresAt: NOW + 48 * HOUR + n },
    });
    expect(
      await handle.db.selectFrom('refresh_tokens').selectAll().where('id', '=', won!.successor.id).executeTakeFirst(),
    ).toEqual({
      id: won!.successor.id,
      token_hash: won!.successor.tokenHash,
      family_id: family.id,
      parent_id: token.id,
      status: 'active',
      scopes: '["openid"]',
      created_at: NOW + n,
      expires_at: NOW + 24 * HOUR,
      rotated_at: null,
      access_jti: won!.successor.accessJti,
      access_expires_at: NOW + HOUR,
      successor_response: null,
      successor_response_expires_at: null,
      dpop_jkt: `jkt-${n}`,
    });
    expect(await families.isAccessTokenRevoked(won!.revokedAccessToken!.jti)).toBe(true);
    // The losing rotation wrote nothing at all.
    expect(await store.read((tx) => tx.families.findRefreshToken(lost!.successor.tokenHash))).toBeUndefined();
    expect(await families.isAccessTokenRevoked(lost!.revokedAccessToken!.jti)).toBe(false);
    expect(await store.transactOne((tx) => tx.families.rotate(rotation(3)))).toBe(false);
    expect((await families.findFamily(family.id))?.expiresAt).toBe(NOW + 48 * HOUR + n);
  });

  it('rotates without touching the family or any access token when the rotation asks for neither', async () => {
    const { family, token } = await issueFamily();
    const successor = newRefreshToken(family.id, { parentId: token.id });
    const rotated = await store.transactOne((tx) =>
      tx.families.rotate({
        rotatedId: token.id,
        rotatedAt: NOW,
        replayable: null,
        replayableUntil: null,
        successor,
        familyExpiresAt: null,
        revokedAccessToken: null,
      }),
    );
    expect(rotated).toBe(true);
    expect(await store.read((tx) => tx.families.findRefreshToken(token.tokenHash))).toMatchObject({
      status: 'rotated',
      successorResponse: null,
      successorResponseExpiresAt: null,
      family: { expiresAt: NOW + 24 * HOUR },
    });
    expect(await store.read((tx) => tx.families.findRefreshToken(successor.tokenHash))).toMatchObject({
      id: successor.id,
      status: 'active',
    });
    expect(await families.isAccessTokenRevoked(token.accessJti!)).toBe(false);
  });

  it('does not rotate a token of a revoked family', async () => {
    const { family, token } = await issueFamily();
    await store.transactOne((tx) => tx.families.revokeFamily(family.id, NOW));
    const successor = newRefreshToken(family.id, { parentId: token.id });
    const rotated = await store.transactOne((tx) =>
      tx.families.rotate({
        rotatedId: token.id,
        rotatedAt: NOW,
        replayable: 'parked',
        replayableUntil: NOW + 10_000,
        successor,
        familyExpiresAt: NOW + 48 * HOUR,
        revokedAccessToken: { jti: token.accessJti!, expiresAt: NOW + HOUR },
      }),
    );
    expect(rotated).toBe(false);
    expect(await store.read((tx) => tx.families.findRefreshToken(successor.tokenHash))).toBeUndefined();
    expect((await families.findFamily(family.id))?.expiresAt).toBe(NOW + 24 * HOUR);
    expect(await families.isAccessTokenRevoked(token.accessJti!)).toBe(false);
  });

  it('extends a family', async () => {
    const { family, token } = await issueFamily();
    await store.transact((tx) => tx.families.extendFamily(family.id, NOW + 48 * HOUR));
    expect((await store.read((tx) => tx.families.findRefreshToken(token.tokenHash)))?.family.expiresAt).toBe(
      NOW + 48 * HOUR,
    );
  });

  it('revokes a family and all of its refresh tokens once, dropping parked responses', async () => {
    const { family, token } = await issueFamily();
    const successor = newRefreshToken(family.id, { parentId: token.id });
    await store.transact(async (tx) => {
      await tx.families.markRotated(token.id, NOW, 'parked', NOW + 10_000);
      await tx.families.insertRefreshToken(successor);
    });
    expect(await store.transact((tx) => tx.families.revokeFamily(family.id, NOW + 5))).toBe(true);
    expect(await store.transact((tx) => tx.families.revokeFamily(family.id, NOW + 6))).toBe(false);
    for (const hash of [token.tokenHash, successor.tokenHash]) {
      const record = await store.read((tx) => tx.families.findRefreshToken(hash));
      expect(record).toMatchObject({ status: 'revoked', successorResponse: null, family: { revokedAt: NOW + 5 } });
    }
    expect(await store.transact((tx) => tx.families.markRotated(successor.id, NOW + 7, null, null))).toBe(false);
    expect(await families.isFamilyRevoked(family.id)).toBe(true);
  });

  it('records a revoked access token, idempotently', async () => {
    const jti = `jti-${newTimeOrderedId()}`;
    await store.transact((tx) => tx.families.revokeAccessToken(jti, NOW + HOUR));
    await store.transact((tx) => tx.families.revokeAccessToken(jti, NOW + 2 * HOUR));
    expect(await families.isAccessTokenRevoked(jti)).toBe(true);
    expect(await handle.db.selectFrom('revoked_access_tokens').selectAll().where('jti', '=', jti).execute()).toEqual([
      { jti, expires_at: NOW + HOUR },
    ]);
  });

  it('answers in one read whether an access token is revoked: by its family (gone counts), or by its jti', async () => {
    const { family } = await issueFamily();
    const jti = `jti-${newTimeOrderedId()}`;
    const revoked = (fam: string | undefined) => store.read((tx) => tx.families.isTokenRevoked(fam, jti));
    expect(await revoked(family.id)).toBe(false);
    expect(await revoked(undefined)).toBe(false);
    expect(await revoked('no-such-family')).toBe(true);
    await store.transact((tx) => tx.families.revokeAccessToken(jti, NOW + HOUR));
    expect(await revoked(undefined)).toBe(true);
    const other = await issueFamily();
    const fresh = `jti-${newTimeOrderedId()}`;
    await store.transact((tx) => tx.families.revokeFamily(other.family.id, NOW));
    expect(await store.read((tx) => tx.families.isTokenRevoked(other.family.id, fresh))).toBe(true);
  });

  it('finds an issued code and consumes it once: a second consume fails', async () => {
    const grantId = await newGrant();
    const code = newCode(grantId, { dpopJkt: 'jkt-the-code-is-bound-to' });
    await codes.insert(code);
    expect(await store.read((tx) => tx.codes.findByHash(code.codeHash))).toEqual({
      ...code,
      consumedAt: null,
      familyId: null,
      grantRevoked: false,
    });
    const outcomes = await Promise.all(
      [1, 2].map((n) => store.transact((tx) => tx.codes.consume(code.codeHash, `family-${n}`, NOW + n))),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const n = outcomes.indexOf(true) + 1;
    expect(await store.read((tx) => tx.codes.findByHash(code.codeHash))).toMatchObject({
      consumedAt: NOW + n,
      familyId: `family-${n}`,
    });
    expect(await store.transact((tx) => tx.codes.consume(code.codeHash, 'family-3', NOW + 3))).toBe(false);
    expect(await store.read((tx) => tx.codes.findByHash('no-such-code'))).toBeUndefined();
  });

  it('redeems a code once: only the winning redemption stores its family and first refresh token', async () => {
    const grantId = await newGrant();
    const code = newCode(grantId, { sessionId: 'session-of-the-code' });
    await codes.insert(code);
    const redemption = (n: number): CodeRedemption => {
      const family = newFamily(grantId, { createdAt: NOW + n, sessionId: 'session-of-the-code' });
      return { codeHash: code.codeHash, now: NOW + n, family, refreshToken: newRefreshToken(family.id) };
    };
    const redemptions = [1, 2].map(redemption);
    const outcomes = await Promise.all(redemptions.map((r) => store.transactOne((tx) => tx.codes.redeem(r))));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const n = outcomes.indexOf(true) + 1;
    const [won, lost] = n === 1 ? redemptions : [redemptions[1]!, redemptions[0]!];
    expect(await store.read((tx) => tx.codes.findByHash(code.codeHash))).toMatchObject({
      consumedAt: NOW + n,
      familyId: won!.family.id,
    });
    expect(
      await handle.db.selectFrom('token_families').selectAll().where('id', '=', won!.family.id).executeTakeFirst(),
    ).toEqual({
      id: won!.family.id,
      grant_id: grantId,
      client_id: clientId,
      user_id: userId,
      scopes: '["openid","offline_access"]',
      resources: '["https://api.example/"]',
      auth_time: NOW - HOUR,
      created_at: NOW + n,
      expires_at: NOW + 24 * HOUR,
      revoked_at: null,
      session_id: 'session-of-the-code',
    });
    expect(await store.read((tx) => tx.families.findRefreshToken(won!.refreshToken!.tokenHash))).toMatchObject({
      id: won!.refreshToken!.id,
      familyId: won!.family.id,
      status: 'active',
      family: { grantId, revokedAt: null },
    });
    expect(await families.findFamily(lost!.family.id)).toBeUndefined();
    expect(await store.read((tx) => tx.families.findRefreshToken(lost!.refreshToken!.tokenHash))).toBeUndefined();
    expect(await store.transactOne((tx) => tx.codes.redeem(redemption(3)))).toBe(false);
  });

  it('redeems a code into a family without a refresh token, and refuses a code whose grant was revoked', async () => {
    const grantId = await newGrant();
    const code = newCode(grantId);
    await codes.insert(code);
    const family = newFamily(grantId);
    expect(
      await store.transactOne((tx) =>
        tx.codes.redeem({ codeHash: code.codeHash, now: NOW, family, refreshToken: null }),
      ),
    ).toBe(true);
    expect(await families.findFamily(family.id)).toMatchObject({ id: family.id, revokedAt: null });
    expect(
      await handle.db.selectFrom('refresh_tokens').select('id').where('family_id', '=', family.id).execute(),
    ).toEqual([]);

    const revoked = newCode(grantId);
    await codes.insert(revoked);
    await grants.revoke(grantId, userId, NOW + 1);
    const refused = newFamily(grantId);
    const refreshToken = newRefreshToken(refused.id);
    expect(
      await store.transactOne((tx) =>
        tx.codes.redeem({ codeHash: revoked.codeHash, now: NOW + 2, family: refused, refreshToken }),
      ),
    ).toBe(false);
    expect(await families.findFamily(refused.id)).toBeUndefined();
    expect(await store.read((tx) => tx.codes.findByHash(revoked.codeHash))).toMatchObject({
      consumedAt: null,
      grantRevoked: true,
    });
  });

  it('reports a revoked grant on its codes and refresh tokens, and refuses to consume its code', async () => {
    const grantId = await newGrant();
    const code = newCode(grantId, {
      redirectUriSent: false,
      codeChallenge: null,
      codeChallengeMethod: null,
      nonce: null,
    });
    await codes.insert(code);
    const { token } = await issueFamily(grantId);
    await grants.revoke(grantId, userId, NOW + 1);
    expect(await store.read((tx) => tx.codes.findByHash(code.codeHash))).toEqual({
      ...code,
      consumedAt: null,
      familyId: null,
      grantRevoked: true,
    });
    expect(await store.transact((tx) => tx.codes.consume(code.codeHash, 'family-c', NOW + 2))).toBe(false);
    expect(await store.read((tx) => tx.families.findRefreshToken(token.tokenHash))).toMatchObject({
      grantRevoked: true,
      status: 'active',
    });
  });

  // PostgreSQL answers the lookups of one turn with one query each, and runs its rotations and
  // redemptions in one statement (lookup-batch.ts, statement-batch.ts): each caller still gets
  // its own answer, and an input that fails the shared statement fails alone.
  it('answers many lookups asked in one turn, each with its own answer', async () => {
    const issued = await Promise.all([1, 2, 3].map(() => issueFamily()));
    const grantId = await newGrant();
    const code = newCode(grantId);
    await codes.insert(code);
    const revokedJti = `jti-${newTimeOrderedId()}`;
    await store.transact((tx) => tx.families.revokeAccessToken(revokedJti, NOW + HOUR));
    const [tokens, foundCodes, revoked] = await Promise.all([
      Promise.all(
        [...issued.map((i) => i.token.tokenHash), 'no-such-hash', issued[0]!.token.tokenHash].map((hash) =>
          store.read((tx) => tx.families.findRefreshToken(hash)),
        ),
      ),
      Promise.all([code.codeHash, 'no-such-code'].map((hash) => store.read((tx) => tx.codes.findByHash(hash)))),
      Promise.all(
        [
          [issued[1]!.family.id, `jti-${newTimeOrderedId()}`],
          [undefined, revokedJti],
          ['no-such-family', `jti-${newTimeOrderedId()}`],
          [undefined, `jti-${newTimeOrderedId()}`],
        ].map(([familyId, jti]) => store.read((tx) => tx.families.isTokenRevoked(familyId, jti!))),
      ),
    ]);
    expect(tokens.map((t) => t?.id)).toEqual([...issued.map((i) => i.token.id), undefined, issued[0]!.token.id]);
    expect(tokens[1]?.family.id).toBe(issued[1]!.family.id);
    expect(foundCodes.map((c) => c?.codeHash)).toEqual([code.codeHash, undefined]);
    expect(revoked).toEqual([false, true, true, false]);
  });

  it('rotates many tokens in one turn: each wins or loses alone, and one that breaks a constraint fails alone', async () => {
    const issued = await Promise.all([1, 2, 3, 4].map(() => issueFamily()));
    const taken = issued[3]!.token.tokenHash;
    const rotation = ({ family, token }: (typeof issued)[number], tokenHash?: string): RefreshTokenRotation => ({
      rotatedId: token.id,
      rotatedAt: NOW + 1,
      replayable: 'replayable:fingerprint',
      replayableUntil: NOW + 10_000,
      successor: newRefreshToken(family.id, { parentId: token.id, ...(tokenHash ? { tokenHash } : {}) }),
      familyExpiresAt: null,
      revokedAccessToken: null,
    });
    // Two rotations of the first token, one whose successor reuses another token's hash.
    const rotations = [rotation(issued[0]!), rotation(issued[0]!), rotation(issued[1]!), rotation(issued[2]!, taken)];
    const outcomes = await Promise.allSettled(rotations.map((r) => store.transactOne((tx) => tx.families.rotate(r))));
    const values = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'failed'));
    expect(values.slice(0, 2).sort()).toEqual([false, true]);
    expect(values.slice(2)).toEqual([true, 'failed']);
    const winner = rotations[values.indexOf(true)]!;
    for (const r of [winner, rotations[2]!])
      expect(await store.read((tx) => tx.families.findRefreshToken(r.successor.tokenHash))).toMatchObject({
        id: r.successor.id,
        status: 'active',
      });
    expect(await store.read((tx) => tx.families.findRefreshToken(issued[1]!.token.tokenHash))).toMatchObject({
      status: 'rotated',
    });
    // The failed rotation left its token as it was, and the token whose hash it reused too.
    expect(await store.read((tx) => tx.families.findRefreshToken(issued[2]!.token.tokenHash))).toMatchObject({
      status: 'active',
      rotatedAt: null,
    });
    expect(await store.read((tx) => tx.families.findRefreshToken(taken))).toMatchObject({ id: issued[3]!.token.id });
  });

  it('redeems many codes in one turn: each wins or loses alone, and one that breaks a constraint fails alone', async () => {
    const grantId = await newGrant();
    const issued = [1, 2, 3].map(() => newCode(grantId));
    for (const code of issued) await codes.insert(code);
    const { token: existing } = await issueFamily();
    const redemption = (code: NewAuthorizationCode, tokenHash?: string): CodeRedemption => {
      const family = newFamily(grantId);
      const refreshToken = newRefreshToken(family.id, tokenHash ? { tokenHash } : {});
      return { codeHash: code.codeHash, now: NOW + 1, family, refreshToken };
    };
    const redemptions = [
      redemption(issued[0]!),
      redemption(issued[0]!),
      redemption(issued[1]!),
      redemption(issued[2]!, existing.tokenHash),
      { ...redemption(issued[1]!), codeHash: 'no-such-code' },
    ];
    const outcomes = await Promise.allSettled(redemptions.map((r) => store.transactOne((tx) => tx.codes.redeem(r))));
    const values = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'failed'));
    expect(values.slice(0, 2).sort()).toEqual([false, true]);
    expect(values.slice(2)).toEqual([true, 'failed', false]);
    const winner = redemptions[values.indexOf(true)]!;
    for (const r of [winner, redemptions[2]!]) {
      expect(await store.read((tx) => tx.codes.findByHash(r.codeHash))).toMatchObject({ familyId: r.family.id });
      expect(await store.read((tx) => tx.families.findRefreshToken(r.refreshToken!.tokenHash))).toMatchObject({
        familyId: r.family.id,
      });
    }
    // The failed redemption left its code unconsumed and started no family.
    expect(await store.read((tx) => tx.codes.findByHash(issued[2]!.codeHash))).toMatchObject({ consumedAt: null });
    expect(await families.findFamily(redemptions[3]!.family.id)).toBeUndefined();
    expect(await families.findFamily(redemptions[4]!.family.id)).toBeUndefined();
  });

  it('keeps nothing of a unit that throws, and what a unit wrote is seen by its later statements', async () => {
    const family = newFamily(null);
    const token = newRefreshToken(family.id);
    await expect(
      store.transact(async (tx) => {
        await tx.families.insertFamily(family);
        await tx.families.insertRefreshToken(token);
        expect(await tx.families.findRefreshToken(token.tokenHash)).toMatchObject({ id: token.id });
        throw new Error('changed its mind');
      }),
    ).rejects.toThrow('changed its mind');
    expect(await store.read((tx) => tx.families.findRefreshToken(token.tokenHash))).toBeUndefined();
    expect(await families.findFamily(family.id)).toBeUndefined();
  });
});

describe.skipIf(!testDialects().includes('postgres'))('the PostgreSQL store runs a one-statement unit alone', () => {
  let handle: DatabaseHandle;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await freshDatabaseUrl('postgres');
    drop = database.drop;
    handle = openDatabase(database.url);
    await migrateToLatest(handle.db);
  });

  afterAll(async () => {
    await handle.close();
    await drop();
  });

  it('fails a transactOne unit that runs a second statement, which would have committed apart from the first', async () => {
    if (handle.dialect !== 'postgres') throw new Error('expected PostgreSQL');
    const store = createPostgresTokenStore(handle);
    const jti = `jti-${newTimeOrderedId()}`;
    await expect(
      store.transactOne(async (tx) => {
        await tx.families.revokeAccessToken(jti, NOW + HOUR);
        await tx.families.revokeAccessToken(`${jti}-2`, NOW + HOUR);
      }),
    ).rejects.toThrow('transactOne ran a unit of more than one statement');
    expect(await store.read((tx) => tx.families.isTokenRevoked(undefined, `${jti}-2`))).toBe(false);
  });
});
