import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenKey } from '../../src/kernel/crypto/tokens.ts';
import type { Client } from '../../src/oauth/clients/client.ts';
import { mintTokens } from '../../src/oauth/tokens/token-issuer.ts';
import { createTestClient } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** Two turns of the event loop: Node reports a rejection nobody handled before the second. */
const twoTurns = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

describe('mintTokens: what storage records now, the signed response later', () => {
  let server: TestServer;
  let client: Client;

  beforeAll(async () => {
    server = await startTestServer();
    const { id } = await createTestClient(server);
    client = (await server.oauth.clients.findById(id))!;
  });
  afterAll(() => server.close());

  const input = (scopes: string[]) => ({
    client,
    subject: 'usr_mint',
    scopes,
    resources: [],
    familyId: 'fam_mint',
    withRefreshToken: true,
  });

  it('gives the access token id, the refresh token hash and their expiries before signing, and they match the response', async () => {
    const minted = mintTokens(server.kernel, await server.kernel.keys.signingKey(), input(['openid']));
    // Nothing signed yet: the response is still a promise, the stored facts are already here.
    expect(minted.access.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(minted.refresh?.hash).toEqual(expect.any(String));

    const response = await minted.response;
    const claims = decodeJwt(response.access_token);
    expect(claims.jti).toBe(minted.access.jti);
    expect(claims.exp! * 1000).toBe(minted.access.expiresAt);
    expect(tokenKey(response.refresh_token!)).toBe(minted.refresh!.hash);
    expect(decodeJwt(response.id_token!)).toMatchObject({ sub: 'usr_mint', aud: client.id });
  });

  it('lets a grant drop the response of a commit it lost even when signing fails: no unhandled rejection', async () => {
    const key = await server.kernel.keys.signingKey();
    // An Ed25519 key cannot make an ES256 signature: the signing worker answers an error.
    const unusable = { ...key, privateKey: generateKeyPairSync('ed25519').privateKey };
    const unheard: unknown[] = [];
    const listen = (reason: unknown) => unheard.push(reason);
    process.on('unhandledRejection', listen);
    try {
      const dropped = mintTokens(server.kernel, unusable, input([]));
      const awaited = mintTokens(server.kernel, unusable, input([]));
      expect(dropped.access.jti).not.toBe(awaited.access.jti);
      // Both are signed in the same batch: once this one failed, so has the dropped one.
      await expect(awaited.response).rejects.toThrow();
      await twoTurns();
      expect(unheard).toEqual([]);
    } finally {
      process.off('unhandledRejection', listen);
    }
  });
});
