import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { authorizeThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

describe.each(testDialects())('review #3: a code outlives its revoked grant (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    client = await createTestClient(server, {
      name: 'Late Redeemer',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['openid', 'offline_access', 'read:assets'],
    });
  });
  afterAll(() => close());

  const redeem = (code: string, verifier: string) =>
    postForm(server, '/oauth/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
      client_id: client.id,
    });

  it('a code issued before the person revokes the app no longer redeems, and the code is used up', async () => {
    const agent = new PageAgent(server.url);
    const { redirect, verifier } = await authorizeThroughPages(server, agent, smtp, client, {
      email: 'ren@example.com',
      params: { scope: 'openid offline_access read:assets' },
    });
    const code = redirect.searchParams.get('code')!;

    const account = await (await agent.get('/account')).text();
    expect((await agent.submit(account, {}, '/revoke')).status).toBe(303);

    const redeemed = await redeem(code, verifier);
    expect(redeemed.status).toBe(400);
    expect(redeemed.json.error).toBe('invalid_grant');
    expect(redeemed.json.refresh_token).toBeUndefined();
    const rows = await server.kernel.database.db
      .selectFrom('authorization_codes')
      .select(['consumed_at', 'family_id'])
      .execute();
    expect(rows.every((r) => r.consumed_at !== null && r.family_id === null)).toBe(true);
    expect(await server.kernel.database.db.selectFrom('token_families').select('id').execute()).toEqual([]);
  });

  it('redemption and refresh check the grant itself, whatever else the revocation reached', async () => {
    const agent = new PageAgent(server.url);
    const first = await authorizeThroughPages(server, agent, smtp, client, {
      email: 'kim@example.com',
      params: { scope: 'openid offline_access read:assets' },
    });
    const tokens = (await redeem(first.redirect.searchParams.get('code')!, first.verifier)).json;
    expect(tokens.refresh_token).toBeTypeOf('string');
    const second = await authorizeThroughPages(server, agent, smtp, client, {
      params: { scope: 'openid offline_access read:assets' },
    });

    // The grant alone is marked revoked: as if the code and family were written by a node that
    // raced the revocation and were missed by it.
    const db = server.kernel.database.db;
    const user = await db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'kim@example.com')
      .executeTakeFirstOrThrow();
    await db.updateTable('grants').set({ revoked_at: server.clock.now() }).where('user_id', '=', user.id).execute();

    const redeemed = await redeem(second.redirect.searchParams.get('code')!, second.verifier);
    expect(redeemed.json.error).toBe('invalid_grant');
    const refreshed = await postForm(server, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: client.id,
    });
    expect(refreshed.json.error).toBe('invalid_grant');
    const families = await db
      .selectFrom('token_families')
      .select('revoked_at')
      .where('user_id', '=', user.id)
      .execute();
    expect(families).toHaveLength(1);
    expect(families[0]!.revoked_at).not.toBeNull();
  });
});
