import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildNode, type ChildNode } from '../helpers/child-node.ts';
import { basicAuth, createTestClient, type TestClient } from '../helpers/clients.ts';
import { freshDatabaseUrl } from '../helpers/database.ts';
import { freePort, startTestServer, type TestServer } from '../helpers/server.ts';
import { newTestKey, proofFor, type TestKey } from '../oauth/dpop/support.ts';

const redisUrl = process.env.TEST_REDIS_URL;
const postgres = Boolean(process.env.TEST_DATABASE_URL);

/**
 * Two nodes sharing one replay cache: a DPoP proof used at one node is refused at the other, and
 * a nonce handed out by one is accepted by the other (both derive it from SECRET_KEY). With Redis
 * the cache is in Redis (PostgreSQL, or one SQLite file both processes open when there is no
 * PostgreSQL); on PostgreSQL without Redis it is the database's dpop_proofs table.
 */
const setups: Array<{ name: string; run: boolean; redis: boolean }> = [
  { name: 'Redis', run: Boolean(redisUrl), redis: true },
  { name: 'PostgreSQL without Redis', run: postgres, redis: false },
];

describe.each(setups)('the DPoP replay cache across two nodes ($name)', ({ run, redis }) => {
  let nodeA: TestServer;
  let nodeB: ChildNode;
  let client: TestClient;
  let key: TestKey;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (!run) return;
    let databaseUrl: string;
    if (postgres) {
      const database = await freshDatabaseUrl('postgres');
      databaseUrl = database.url;
      cleanup = database.drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'consentry-dpop-nodes-'));
      databaseUrl = `sqlite:${join(dir, 'shared.db')}`;
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    const port = await freePort();
    const shared: Record<string, string> = {
      ISSUER: `http://127.0.0.1:${port}`,
      PORT: String(port),
      ...(redis ? { REDIS_URL: redisUrl! } : {}),
    };
    nodeA = await startTestServer({ databaseUrl, env: shared });
    nodeB = await startChildNode(
      { ...shared, DATABASE_URL: databaseUrl, SECRET_KEY: nodeA.config.SECRET_KEY! },
      await freePort(),
    );
    client = await createTestClient(nodeA, { allowedScopes: ['read:providers'], grantTypes: ['client_credentials'] });
    key = await newTestKey();
  });
  afterAll(async () => {
    await nodeB?.stop();
    await nodeA?.close();
    await cleanup?.();
  });

  const tokenRequest = async (base: string, dpop: string) => {
    const response = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(client.id, client.secret!),
        dpop,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read:providers' }),
    });
    return { status: response.status, nonce: response.headers.get('dpop-nonce'), json: await response.json() };
  };

  it.runIf(run)(
    'refuses at one node a proof already used at the other, at the token endpoint and at an API',
    async () => {
      const tokenUrl = `${nodeA.url}/oauth/token`; // the issuer's: both nodes check htu against it
      const nonceFromA = (await tokenRequest(nodeA.url, await proofFor(key, { htm: 'POST', htu: tokenUrl }))).nonce!;
      expect(nonceFromA).toBeTruthy();

      // A's nonce works at B; the proof B accepted is then refused at A.
      const proof = await proofFor(key, { htm: 'POST', htu: tokenUrl, nonce: nonceFromA });
      const issued = await tokenRequest(nodeB.url, proof);
      expect(issued.status).toBe(200);
      expect(issued.json.token_type).toBe('DPoP');
      const replayedAtA = await tokenRequest(nodeA.url, proof);
      expect(replayedAtA.status).toBe(400);
      expect(replayedAtA.json).toEqual({
        error: 'invalid_dpop_proof',
        error_description: 'the DPoP proof was already used (its jti was seen before)',
      });

      const token = issued.json.access_token as string;
      const catalogPath = '/platform/v2/providers/catalog';
      const apiProof = await proofFor(key, { htm: 'GET', htu: `${nodeA.url}${catalogPath}`, accessToken: token });
      const call = (base: string) =>
        fetch(`${base}${catalogPath}`, { headers: { authorization: `DPoP ${token}`, dpop: apiProof } });
      expect((await call(nodeA.url)).status).toBe(200);
      const replayedAtB = await call(nodeB.url);
      expect(replayedAtB.status).toBe(401);
      expect(replayedAtB.headers.get('www-authenticate')).toMatch(
        /^DPoP error="invalid_dpop_proof", error_description="the DPoP proof was already used \(its jti was seen before\)"/,
      );
    },
  );
});
