import { createSecretKey, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { JwtRejected, verifyJwt, type JwtChecks } from '../../src/kernel/crypto/jwt-verify.ts';

// jose signs (an implementation nobody here wrote); the node:crypto verifier must agree with it
// on every algorithm it accepts and refuse what RFC 7515/7519 and jose refuse.
const NOW_MS = 1_800_000_000_000;
const NOW = NOW_MS / 1000;
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const smallRsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ed = generateKeyPairSync('ed25519');
const secret = createSecretKey(Buffer.from('a shared secret that is long enough for HS256'));

function sign(alg: string, key: KeyObject, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  return new SignJWT({ iss: 'client', aud: 'https://as.example', exp: NOW + 60, iat: NOW, ...claims })
    .setProtectedHeader({ alg, ...header })
    .sign(key);
}

/** What jose refuses to produce (small RSA keys, `crit`), signed by hand with node:crypto. */
function handSigned(header: Record<string, unknown>, key: KeyObject, hash = 'sha256', dsaEncoding?: 'ieee-p1363') {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode({ iss: 'client', exp: NOW + 60 })}`;
  const signature = cryptoSign(hash, Buffer.from(input), dsaEncoding ? { key, dsaEncoding } : key);
  return `${input}.${signature.toString('base64url')}`;
}

const checks = (overrides: Partial<JwtChecks> = {}): JwtChecks => ({
  algorithms: ['ES256', 'PS256', 'RS256', 'EdDSA', 'HS256'],
  nowMs: NOW_MS,
  ...overrides,
});

async function rejection(run: () => Promise<unknown>): Promise<JwtRejected> {
  try {
    await run();
  } catch (error) {
    if (error instanceof JwtRejected) return error;
    throw error;
  }
  throw new Error('the JWT was accepted');
}

describe('verifyJwt (node:crypto)', () => {
  it('accepts what jose signs with ES256, PS256, RS256, EdDSA and HS256', async () => {
    const cases: [string, KeyObject, KeyObject][] = [
      ['ES256', ec.privateKey, ec.publicKey],
      ['PS256', rsa.privateKey, rsa.publicKey],
      ['RS256', rsa.privateKey, rsa.publicKey],
      ['EdDSA', ed.privateKey, ed.publicKey],
      ['HS256', secret, secret],
    ];
    for (const [alg, signing, verifying] of cases) {
      const { header, payload } = await verifyJwt(await sign(alg, signing, { sub: alg }), () => verifying, checks());
      expect(header.alg).toBe(alg);
      expect(payload.sub).toBe(alg);
    }
  });

  it('refuses an algorithm outside the list, alg none, and a key that does not fit the algorithm', async () => {
    const es = await sign('ES256', ec.privateKey);
    expect((await rejection(() => verifyJwt(es, () => ec.publicKey, checks({ algorithms: ['PS256'] })))).code).toBe(
      'algorithm',
    );
    const [, body] = es.split('.');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${body}.`;
    expect((await rejection(() => verifyJwt(none, () => ec.publicKey, checks()))).code).toBe('algorithm');
    // Algorithm confusion: an HMAC "signed" with the text of a public key must never verify.
    const publicPem = createSecretKey(Buffer.from(ec.publicKey.export({ type: 'spki', format: 'pem' })));
    const confused = await sign('HS256', publicPem);
    expect((await rejection(() => verifyJwt(confused, () => ec.publicKey, checks()))).code).toBe('no_key');
    // A P-384 key cannot check ES256; a 1024-bit RSA key is too small; Ed25519 is not RSA.
    expect((await rejection(() => verifyJwt(es, () => ec384.publicKey, checks()))).code).toBe('no_key');
    const weak = handSigned({ alg: 'RS256' }, smallRsa.privateKey);
    expect((await rejection(() => verifyJwt(weak, () => smallRsa.publicKey, checks()))).code).toBe('no_key');
    expect((await rejection(() => verifyJwt(weak, () => ed.publicKey, checks()))).code).toBe('no_key');
    expect((await rejection(() => verifyJwt(es, () => [], checks()))).code).toBe('no_key');
  });

  it('refuses a signature made by another key, a changed payload and a truncated signature', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const token = await sign('ES256', other.privateKey);
    expect((await rejection(() => verifyJwt(token, () => ec.publicKey, checks()))).code).toBe('signature');
    const [head, , sig] = (await sign('ES256', ec.privateKey)).split('.');
    const changed = `${head}.${Buffer.from(JSON.stringify({ iss: 'attacker', exp: NOW + 60 })).toString('base64url')}.${sig}`;
    expect((await rejection(() => verifyJwt(changed, () => ec.publicKey, checks()))).code).toBe('signature');
    const truncated = (await sign('ES256', ec.privateKey)).slice(0, -4);
    expect((await rejection(() => verifyJwt(truncated, () => ec.publicKey, checks()))).code).toBe('signature');
    // Any of several candidates may verify (a JWK Set without kids).
    expect((await verifyJwt(token, () => [ec.publicKey, other.publicKey], checks())).payload.iss).toBe('client');
  });

  it('refuses malformed tokens and critical or unencoded-payload headers', async () => {
    for (const bad of ['', 'a.b', 'a.b.c.d', '!!.e30.', 'e30.e30.', 'W10.e30.', 'eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.'])
      expect((await rejection(() => verifyJwt(bad, () => ec.publicKey, checks()))).code).toBe('malformed');
    const crit = handSigned({ alg: 'ES256', crit: ['exp'], exp: 1 }, ec.privateKey, 'sha256', 'ieee-p1363');
    expect(
      (
        await verifyJwt(
          handSigned({ alg: 'ES256' }, ec.privateKey, 'sha256', 'ieee-p1363'),
          () => ec.publicKey,
          checks(),
        )
      ).payload.iss,
    ).toBe('client');
    expect((await rejection(() => verifyJwt(crit, () => ec.publicKey, checks()))).code).toBe('malformed');
  });

  it('checks typ as a media type, and iss, aud, exp, nbf and required claims', async () => {
    const typed = await sign('ES256', ec.privateKey, {}, { typ: 'application/DPoP+JWT' });
    expect((await verifyJwt(typed, () => ec.publicKey, checks({ typ: 'dpop+jwt' }))).header.typ).toBe(
      'application/DPoP+JWT',
    );
    expect((await rejection(() => verifyJwt(typed, () => ec.publicKey, checks({ typ: 'at+jwt' })))).code).toBe('type');
    const plain = await sign('ES256', ec.privateKey);
    expect((await rejection(() => verifyJwt(plain, () => ec.publicKey, checks({ typ: 'at+jwt' })))).code).toBe('type');

    const verify = (token: string, extra: Partial<JwtChecks>) =>
      rejection(() => verifyJwt(token, () => ec.publicKey, checks(extra)));
    expect(await verify(plain, { issuer: 'someone else' })).toMatchObject({ code: 'claim', claim: 'iss' });
    expect(await verify(plain, { audience: 'https://other.example' })).toMatchObject({ code: 'claim', claim: 'aud' });
    const listed = await sign('ES256', ec.privateKey, { aud: ['https://a.example', 'https://as.example'] });
    expect((await verifyJwt(listed, () => ec.publicKey, checks({ audience: 'https://as.example' }))).payload.iss).toBe(
      'client',
    );
    expect(await verify(plain, { requiredClaims: ['jti'] })).toMatchObject({
      code: 'claim',
      claim: 'jti',
      reason: 'missing',
    });

    const expired = await sign('ES256', ec.privateKey, { exp: NOW });
    expect(await verify(expired, {})).toMatchObject({ code: 'expired' });
    expect((await verifyJwt(expired, () => ec.publicKey, checks({ clockToleranceSeconds: 5 }))).payload.exp).toBe(NOW);
    const early = await sign('ES256', ec.privateKey, { nbf: NOW + 10 });
    expect(await verify(early, {})).toMatchObject({ code: 'claim', claim: 'nbf' });
    const textual = await sign('ES256', ec.privateKey, { exp: String(NOW + 60) });
    expect(await verify(textual, {})).toMatchObject({ code: 'claim', claim: 'exp', reason: 'invalid' });
  });
});
