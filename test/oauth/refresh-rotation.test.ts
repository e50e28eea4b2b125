import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenKey } from '../../src/kernel/crypto/tokens.ts';
import { purgeExpired } from '../../src/kernel/jobs/janitor.ts';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { authorizeThroughPages, exchangeCode } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

/** OIDC Core §3.1.3.6: the left half of the access token's SHA-256. */
const atHash = (accessToken: string) =>
  createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');

/** Rotation, reuse detection and the single-successor grace window (contract: Token endpoint). */
describe.each(testDialects())('refresh token rotation (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let agent: PageAgent;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    client = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['openid', 'offline_access', 'read:bookings', 'read:event-types'],
    });
    agent = new PageAgent(server.url);
  });
  afterAll(() => close());

  const freshTokens = async (
    scope = 'openid offline_access read:bookings read:event-types',
    extra: Record<string, string> = {},
  ) => {
    const authorized = await authorizeThroughPages(server, agent, smtp, client, { params: { scope, ...extra } });
    return (await exchangeCode(server, client, authorized)) as {
      access_token: string;
      refresh_token: string;
      id_token?: string;
    };
  };
  const refresh = (token: string, extra: Record<string, string> = {}) =>
    postForm(server, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: token,
      client_id: client.id,
      ...extra,
    });
  const familySize = async (token: string) => {
    const row = await server.kernel.database.db
      .selectFrom('refresh_tokens')
      .select('family_id')
      .where('token_hash', '=', tokenKey(token))
      .executeTakeFirstOrThrow();
    return (
      await server.kernel.database.db
        .selectFrom('refresh_tokens')
        .select('id')
        .where('family_id', '=', row.family_id)
        .execute()
    ).length;
  };

  /** A refresh token's expiry and its family's (epoch ms). */
  const familyOf = async (token: string) => {
    const row = await server.kernel.database.db
      .selectFrom('refresh_tokens')
      .innerJoin('token_families', 'token_families.id', 'refresh_tokens.family_id')
      .select(['refresh_tokens.expires_at as tokenExpiresAt', 'token_families.expires_at as familyExpiresAt'])
      .where('refresh_tokens.token_hash', '=', tokenKey(token))
      .executeTakeFirstOrThrow();
    return { tokenExpiresAt: Number(row.tokenExpiresAt), familyExpiresAt: Number(row.familyExpiresAt) };
  };

  it('20 parallel refreshes with one token produce one successor, and one access token minted again', async () => {
    const tokens = await freshTokens();
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(tokens.refresh_token)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.json.refresh_token)).size).toBe(1);
    expect(await familySize(tokens.refresh_token)).toBe(2);
    // Each answer's access token is the successor's one access token (one jti), signed again.
    const accessTokens = answers.map((a) => a.json.access_token as string);
    expect(new Set(accessTokens.map((t) => decodeJwt(t).jti)).size).toBe(1);
    for (const answer of answers) {
      expect(decodeJwt(answer.json.id_token as string).at_hash).toBe(atHash(answer.json.access_token as string));
      expect(answer.json.expires_in).toBeGreaterThan(3590);
    }
    const userinfo = (token: string) =>
      fetch(`${server.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${token}` } });
    expect((await Promise.all(accessTokens.map(userinfo))).map((r) => r.status)).toEqual(Array(20).fill(200));
    const successor = answers[0]!.json.refresh_token as string;
    expect(successor).not.toBe(tokens.refresh_token);
    expect((await refresh(successor)).status).toBe(200);
    // Under this profile the rotation revokes the successor's access token: every copy of it.
    expect((await Promise.all(accessTokens.map(userinfo))).map((r) => r.status)).toEqual(Array(20).fill(401));
  });

  it('a token rotated before successors were derived still gets its sealed response back', async () => {
    const tokens = await freshTokens();
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
    const db = server.kernel.database.db;
    const row = await db
      .selectFrom('refresh_tokens')
      .select(['id', 'successor_response'])
      .where('token_hash', '=', tokenKey(tokens.refresh_token))
      .executeTakeFirstOrThrow();
    const fingerprint = row.successor_response!.replace(/^replayable:/, '');
    expect(fingerprint).not.toBe(row.successor_response);
    // What an earlier version wrote: the whole response, sealed.
    const response = { access_token: 'parked-access', token_type: 'Bearer', expires_in: 60, scope: 'openid' };
    const sealed = server.kernel.box('refresh-grace-responses').seal(JSON.stringify({ fingerprint, response }));
    await db.updateTable('refresh_tokens').set({ successor_response: sealed }).where('id', '=', row.id).execute();
    const replay = await refresh(tokens.refresh_token);
    expect(replay.status).toBe(200);
    expect(replay.json).toEqual(response);
  });

  it('a replay inside the window with other parameters is refused without revoking', async () => {
    const tokens = await freshTokens();
    const first = await refresh(tokens.refresh_token);
    const narrowed = await refresh(tokens.refresh_token, { scope: 'openid' });
    expect(narrowed.json.error).toBe('invalid_grant');
    expect((await refresh(first.json.refresh_token as string)).status).toBe(200);
  });

  it('a replay after the window revokes the whole family, access tokens included', async () => {
    const tokens = await freshTokens();
    const first = await refresh(tokens.refresh_token);
    expect(first.status).toBe(200);
    server.clock.advance(11_000);
    try {
      const replay = await refresh(tokens.refresh_token);
      expect(replay.json.error).toBe('invalid_grant');
      expect((await refresh(first.json.refresh_token as string)).json.error).toBe('invalid_grant');
      const userinfo = await fetch(`${server.url}/oauth/userinfo`, {
        headers: { authorization: `Bearer ${first.json.access_token as string}` },
      });
      expect(userinfo.status).toBe(401);
    } finally {
      server.clock.advance(-11_000);
    }
  });

  it('under the caledee profile a rotation revokes the previous access token', async () => {
    const tokens = await freshTokens();
    const before = await fetch(`${server.url}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(before.status).toBe(200);
    const rotated = await refresh(tokens.refresh_token);
    expect(rotated.json.expires_in).toBe(3600);
    const after = await fetch(`${server.url}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(after.status).toBe(401);
    const successor = await fetch(`${server.url}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${rotated.json.access_token as string}` },
    });
    expect(successor.status).toBe(200);
  });

  it('a refresh answers with a new ID token for the same person, client and sign-in, bound to the new access token', async () => {
    const tokens = await freshTokens('openid offline_access read:bookings', { nonce: 'n-refresh-1' });
    const jwks = createLocalJWKSet(await (await fetch(`${server.url}/oauth/jwks`)).json());
    const verify = async (token: string) =>
      (await jwtVerify(token, jwks, { issuer: server.url, audience: client.id })).payload;
    const original = await verify(tokens.id_token!);
    const rotated = await refresh(tokens.refresh_token);
    expect(rotated.status).toBe(200);
    const renewed = await verify(rotated.json.id_token as string);
    expect(renewed.sub).toBe(original.sub);
    expect(renewed.auth_time).toBe(original.auth_time);
    expect(original.nonce).toBe('n-refresh-1');
    expect(renewed.nonce).toBeUndefined(); // OIDC Core §12.2: the nonce belongs to the authentication request
    expect(renewed.at_hash).toBe(atHash(rotated.json.access_token as string));

    // Without `openid` in the (narrowed) scopes there is no ID token.
    const narrowed = await refresh(rotated.json.refresh_token as string, { scope: 'offline_access read:bookings' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.json.id_token).toBeUndefined();
  });

  it('a refresh token kept unused until just before its expiry outlives the janitor: its family lives as long', async () => {
    const tokens = await freshTokens(); // caledee: refresh tokens live 30 days
    const day = 86_400_000;
    let advanced = 0;
    const advance = (ms: number) => {
      server.clock.advance(ms);
      advanced += ms;
    };
    try {
      // Rotated half a day in: the successor lives until day 30.5, past its family's first expiry.
      advance(day / 2);
      const rotated = await refresh(tokens.refresh_token);
      expect(rotated.status).toBe(200);
      // The family moved to a day past its newest token: written once, not at every rotation.
      const successor = await familyOf(rotated.json.refresh_token as string);
      expect(successor.familyExpiresAt).toBe(successor.tokenExpiresAt + day);
      // Day 30 and 11 hours: the successor has an hour left when the janitor runs.
      advance(30 * day - 60 * 60_000);
      await purgeExpired(server.kernel.database.db, server.clock.now(), 100, server.purgers);
      const last = await refresh(rotated.json.refresh_token as string);
      expect(last.json.error).toBeUndefined();
      expect(last.status).toBe(200);
    } finally {
      server.clock.advance(-advanced);
    }
  });

  it('a family of tokens that live less than a day is kept one lifetime past its newest token, not a day', async () => {
    const brief = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['openid', 'offline_access'],
      refreshTokenTtl: 600,
    });
    const authorized = await authorizeThroughPages(server, agent, smtp, brief, {
      params: { scope: 'openid offline_access' },
    });
    const tokens = (await exchangeCode(server, brief, authorized)) as { refresh_token: string };
    server.clock.advance(60_000);
    try {
      const rotated = await postForm(server, '/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: brief.id,
      });
      expect(rotated.status).toBe(200);
      const successor = await familyOf(rotated.json.refresh_token as string);
      expect(successor.tokenExpiresAt - server.clock.now()).toBeGreaterThan(590_000); // its 10 minutes
      expect(successor.familyExpiresAt).toBe(successor.tokenExpiresAt + 600_000);
    } finally {
      server.clock.advance(-60_000);
    }
  });

  it('an expired refresh token is refused', async () => {
    const tokens = await freshTokens();
    server.clock.advance(31 * 86_400_000);
    try {
      expect((await refresh(tokens.refresh_token)).json.error).toBe('invalid_grant');
    } finally {
      server.clock.advance(-31 * 86_400_000);
    }
  });
});
