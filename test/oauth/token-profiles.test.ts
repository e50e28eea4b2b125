import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { loadConfig } from '../../src/config.ts';
import { lifetimesFor } from '../../src/oauth/lifetimes.ts';
import type { RegisteredResource } from '../../src/kernel/scope-registry.ts';
import { calicoProfile } from '../../src/portfolio/product.ts';
import { caledeeProfile } from '../../src/scheduling/product.ts';
import { basicAuth, createTestClient, postForm } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const PROFILES = { calico: calicoProfile, caledee: caledeeProfile };
const profiles = {
  profiles: () => Object.values(PROFILES),
  profile: (name: string) => PROFILES[name as keyof typeof PROFILES],
};
const resource = (profile: 'calico' | 'caledee'): RegisteredResource => ({
  path: `/${profile}`,
  uri: `http://x/${profile}`,
  name: profile,
  profile: PROFILES[profile],
  scopes: [],
});
const noOverride = { accessTokenTtl: null, refreshTokenTtl: null };

describe('token lifetime profiles', () => {
  const config = loadConfig({});

  it('gives each resource its profile and a mixed token the shortest of each', () => {
    expect(lifetimesFor([resource('calico')], noOverride, config, profiles)).toMatchObject({
      accessTtl: 900,
      refreshTtl: 365 * 86400,
      revokeOldAccessOnRotation: false,
    });
    expect(lifetimesFor([resource('caledee')], noOverride, config, profiles)).toMatchObject({
      accessTtl: 3600,
      refreshTtl: 30 * 86400,
      revokeOldAccessOnRotation: true,
    });
    expect(lifetimesFor([resource('calico'), resource('caledee')], noOverride, config, profiles)).toMatchObject({
      accessTtl: 900,
      refreshTtl: 30 * 86400,
    });
  });

  it('lets TOKEN_PROFILE force one profile', () => {
    expect(
      lifetimesFor([resource('calico')], noOverride, loadConfig({ TOKEN_PROFILE: 'caledee' }), profiles),
    ).toMatchObject({ accessTtl: 3600, refreshTtl: 30 * 86400 });
  });

  it('applies per-client lifetimes clamped to the deployment limits', () => {
    expect(
      lifetimesFor([resource('calico')], { accessTokenTtl: 300, refreshTokenTtl: 7200 }, config, profiles),
    ).toMatchObject({ accessTtl: 300, refreshTtl: 7200 });
    expect(
      lifetimesFor([resource('calico')], { accessTokenTtl: 5, refreshTokenTtl: null }, config, profiles).accessTtl,
    ).toBe(60);
    expect(
      lifetimesFor([resource('calico')], { accessTokenTtl: 10 ** 9, refreshTokenTtl: null }, config, profiles)
        .accessTtl,
    ).toBe(86400);
  });
});

describe('token lifetimes through the token endpoint', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { TOKEN_PROFILE: 'calico' } });
  });
  afterAll(() => server.close());

  it('honours TOKEN_PROFILE and a client override in the issued JWT', async () => {
    const forced = await createTestClient(server, { allowedScopes: ['read:bookings'] });
    const res = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', scope: 'read:bookings' },
      { authorization: basicAuth(forced.id, forced.secret!) },
    );
    expect(res.json.expires_in).toBe(900);
    const custom = await createTestClient(server, { allowedScopes: ['read:bookings'], accessTokenTtl: 120 });
    const short = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', scope: 'read:bookings' },
      { authorization: basicAuth(custom.id, custom.secret!) },
    );
    expect(short.json.expires_in).toBe(120);
    const claims = decodeJwt(short.json.access_token as string);
    expect(claims.exp! - claims.iat!).toBe(120);
  });
});
