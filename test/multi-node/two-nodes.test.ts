import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { startChildNode, type ChildNode } from '../helpers/child-node.ts';
import { createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { freshDatabaseUrl } from '../helpers/database.ts';
import { authorizeThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import { freePort, type TestServer } from '../helpers/server.ts';

/**
 * Two Consentry processes on one PostgreSQL database, as behind a load balancer: rotation stays
 * single-successor across them, and with Redis a revocation on one reaches the other at once.
 */
describe.runIf(Boolean(process.env.TEST_DATABASE_URL))('two nodes on one PostgreSQL database', () => {
  let nodeA: TestServer;
  let nodeB: ChildNode;
  let smtp: SmtpCapture;
  let closeA: () => Promise<void>;
  let dropDatabase: () => Promise<void>;
  let client: TestClient;
  const redisUrl = process.env.TEST_REDIS_URL;

  beforeAll(async () => {
    const database = await freshDatabaseUrl('postgres');
    dropDatabase = database.drop;
    const port = await freePort();
    // Both nodes answer for one issuer; B listens on another port, like a second machine.
    const shared: Record<string, string> = {
      ISSUER: `http://127.0.0.1:${port}`,
      PORT: String(port),
      REVOCATION_CACHE_MS: '60000',
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    };
    ({ server: nodeA, smtp, close: closeA } = await startServerWithMail({ databaseUrl: database.url, env: shared }));
    nodeB = await startChildNode(
      { ...shared, DATABASE_URL: database.url, SECRET_KEY: nodeA.config.SECRET_KEY! },
      await freePort(),
    );
    client = await createTestClient(nodeA, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['openid', 'offline_access'],
    });
  });
  afterAll(async () => {
    await nodeB?.stop();
    await closeA?.();
    await dropDatabase?.();
  });

  const tokensFor = async () => {
    const agent = new PageAgent(nodeA.url);
    const { redirect, verifier } = await authorizeThroughPages(nodeA, agent, smtp, client, {
      params: { scope: 'openid offline_access' },
    });
    const res = await postForm(nodeA, '/oauth/token', {
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code')!,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
      client_id: client.id,
    });
    return res.json as { access_token: string; refresh_token: string };
  };
  const refreshAt = async (base: string, token: string) => {
    const res = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: client.id }),
    });
    return { status: res.status, body: await res.text() };
  };

  it('20 parallel refreshes split over both processes yield one successor', async () => {
    const tokens = await tokensFor();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => refreshAt(i % 2 ? nodeB.url : nodeA.url, tokens.refresh_token)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const bodies = answers.map((a) => JSON.parse(a.body) as { refresh_token: string; access_token: string });
    // One successor, whichever node answered: the same refresh token, and its access token's jti.
    expect(new Set(bodies.map((b) => b.refresh_token)).size).toBe(1);
    expect(new Set(bodies.map((b) => decodeJwt(b.access_token).jti)).size).toBe(1);
    const successor = bodies[0]!.refresh_token;
    expect((await refreshAt(nodeB.url, successor)).status).toBe(200);
  });

  it.runIf(Boolean(redisUrl))('a revocation on one node is enforced by the other at once (Redis)', async () => {
    const tokens = await tokensFor();
    const userinfoB = () =>
      fetch(`${nodeB.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect((await userinfoB()).status).toBe(200); // B now caches "not revoked" for 60 s
    const revoked = await postForm(nodeA, '/oauth/revoke', { token: tokens.refresh_token, client_id: client.id });
    expect(revoked.status).toBe(200);
    // Redis delivery is asynchronous: wait for B to learn of it, bounded well below the 60 s cache.
    const deadline = Date.now() + 5000;
    let status = 200;
    while (Date.now() < deadline && (status = (await userinfoB()).status) === 200);
    expect(status).toBe(401);
  });
});
