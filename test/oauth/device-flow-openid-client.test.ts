import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { decideOnDevicePage, DEVICE_GRANT, USER_CODE_FORMAT } from '../helpers/device-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

/**
 * openid-client (a certified relying party) runs the device flow with a confidential client
 * (client_secret_basic), polling on its own timer while the person approves on /device. The
 * server asks for 1-second polls so the library's waits stay short.
 */
describe.each(testDialects())('device flow with openid-client (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let registered: TestClient;
  let config: client.Configuration;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect, env: { DEVICE_POLL_INTERVAL_SECONDS: '1' } }));
    registered = await createTestClient(server, {
      name: 'Living Room TV',
      redirectUris: [],
      grantTypes: [DEVICE_GRANT, 'refresh_token'],
      allowedScopes: ['openid', 'email', 'read:assets'],
    });
    config = await client.discovery(
      new URL(server.url),
      registered.id,
      registered.secret,
      client.ClientSecretBasic(registered.secret!),
      { execute: [client.allowInsecureRequests] },
    );
  });
  afterAll(() => close());

  it('polls until the person approves, then gets tokens with an ID token', async () => {
    const device = await client.initiateDeviceAuthorization(config, { scope: 'openid email read:assets' });
    expect(device.user_code).toMatch(USER_CODE_FORMAT);
    expect(device.interval).toBe(1);
    const polling = client.pollDeviceAuthorizationGrant(config, device);
    await decideOnDevicePage(server, new PageAgent(server.url), smtp, {
      email: 'tv@example.com',
      userCode: device.user_code,
    });
    const tokens = await polling;
    expect(tokens.scope).toBe('openid email read:assets');
    expect(tokens.refresh_token).toMatch(/^rt_/);
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(server.url);
    expect(claims.aud).toBe(registered.id);
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info.email).toBe('tv@example.com');
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
  });

  it('stops polling with access_denied when the person denies', async () => {
    const device = await client.initiateDeviceAuthorization(config, { scope: 'read:assets' });
    const polling = client.pollDeviceAuthorizationGrant(config, device);
    await decideOnDevicePage(server, new PageAgent(server.url), smtp, {
      email: 'tv-no@example.com',
      userCode: device.user_code,
      decision: 'deny',
    });
    await expect(polling).rejects.toMatchObject({ error: 'access_denied' });
  });
});
