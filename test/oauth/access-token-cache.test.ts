import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import {
  AccessTokenVerifier,
  InvalidAccessToken,
  accessTokenContents,
  signAccessToken,
} from '../../src/oauth/tokens/access-token.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// The verified-token cache keeps the claim values tokens share once (access-token.ts): what a
// cached token answers must still be exactly what it says, whichever tokens came before or after.
describe('access tokens remembered as verified', () => {
  let server: TestServer;
  const api = () => `${server.config.ISSUER}/api/v2`;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const mint = async (subject: string, clientId: string, scopes: string[], ttlSeconds = 600) => {
    const key = await server.kernel.keys.signingKey();
    return signAccessToken(
      key,
      accessTokenContents(key, {
        issuer: server.config.ISSUER,
        subject,
        clientId,
        audience: [api()],
        scopes,
        ttlSeconds,
        nowMs: server.clock.now(),
        familyId: `fam-${subject}`,
      }),
    );
  };

  it('answers each cached token with its own claims, through evictions', async () => {
    const verifier = new AccessTokenVerifier(server.kernel.keys, server.config.ISSUER, 2);
    const tokens = [
      await mint('alice', 'client-a', ['read:bookings']),
      await mint('bob', 'client-a', ['read:bookings']),
      await mint('alice', 'client-b', ['read:bookings', 'write:bookings']),
    ];
    // Twice over three tokens with room for two: hits, misses and evictions alternate.
    for (const round of [1, 2])
      for (const token of tokens) {
        const claims = await verifier.verify(token, api(), server.clock.now());
        expect(claims, `round ${round}`).toEqual(decodeJwt(token));
      }
    const again = await verifier.verify(tokens[2]!, api(), server.clock.now());
    expect([again.sub, again.client_id, again.scope]).toEqual(['alice', 'client-b', 'read:bookings write:bookings']);
  });

  it('still checks a cached token against the audience and the clock', async () => {
    const verifier = new AccessTokenVerifier(server.kernel.keys, server.config.ISSUER, 8);
    const token = await mint('carol', 'client-a', ['read:bookings']);
    await verifier.verify(token, api(), server.clock.now());
    await expect(verifier.verify(token, `${server.config.ISSUER}/other`, server.clock.now())).rejects.toThrow(
      InvalidAccessToken,
    );
    await expect(verifier.verify(token, api(), server.clock.now() + 601_000)).rejects.toThrow(
      'the access token has expired',
    );
  });

  it('lets expired tokens go as new ones come, rather than filling up with them', async () => {
    const verifier = new AccessTokenVerifier(server.kernel.keys, server.config.ISSUER, 100);
    const start = server.clock.now();
    const shortLived = await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((s) => mint(s, 'client-a', ['read:bookings'], 60)),
    );
    for (const token of shortLived) await verifier.verify(token, api(), start);
    expect(verifier.size).toBe(6);

    // A minute on, every one of them has expired: each new token takes up to four of them out.
    const later = start + 61_000;
    await verifier.verify(await mint('g', 'client-a', ['read:bookings']), api(), later);
    expect(verifier.size).toBe(3); // e, f and g

    // One still cached is refused when it is presented after its expiry, and dropped.
    await expect(verifier.verify(shortLived[5]!, api(), later)).rejects.toThrow('the access token has expired');
    expect(verifier.size).toBe(2); // e and g

    // The oldest left (e) goes; g is alive, so the sweep stops there.
    await verifier.verify(await mint('h', 'client-a', ['read:bookings']), api(), later);
    expect(verifier.size).toBe(2); // g and h
  });
});
