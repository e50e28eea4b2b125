import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrantRepository } from '../../src/oauth/index.ts';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { authorizeThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { exchangeCode } from '../portfolio/support/platform-client.ts';
import { ALL_SCOPES, ApiClient } from './support/api.ts';
import { mondayAhead, utc } from './support/dates.ts';
import { startReceiver } from './support/webhook-receiver.ts';

type Hook = { id: string; secret: string; active: boolean; disabledReason?: string };
type Delivery = { status: string; lastError: string | null };
const invitee = { name: 'Wes', email: 'wes@example.com', timezone: 'Europe/Paris' };

describe.each(testDialects())('review #1: webhooks outlive consent (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let secret = '';
  const monday = mondayAhead('UTC', 3);
  let slot = 0;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    receiver = await startReceiver({ secret: () => secret, nowSeconds: () => Math.floor(server.clock.now() / 1000) });
  });
  afterAll(async () => {
    await close();
    await receiver.close();
  });

  /** A person lets `client` in with `scope` through the real pages; the app's API client. */
  async function appToken(agent: PageAgent, client: TestClient, email: string, scope: string) {
    const { redirect, verifier } = await authorizeThroughPages(server, agent, smtp, client, {
      email,
      params: { scope },
    });
    const { token, userId } = await exchangeCode(server, client, redirect, verifier);
    return { app: new ApiClient(server, token), userId };
  }

  /** The person's own token (to make event types and bookings as a booking page would). */
  async function ownApi(userId: string) {
    const { token } = await server.oauth.personalTokens.create({ userId, name: 'tests', scopes: ALL_SCOPES });
    const api = new ApiClient(server, token);
    const eventTypeId = (await api.post('/event-types', { name: 'Demo', durations: [30] })).body.id as string;
    return {
      api,
      book: () =>
        api.post('/bookings', {
          eventTypeId,
          start: utc(monday.plus({ days: Math.floor(slot / 8), hours: 9 + (slot++ % 8) })),
          invitee,
        }),
    };
  }

  it('needs write:bookings to create or delete a webhook, read:bookings to list', async () => {
    const client = await createTestClient(server, {
      name: 'Hook App',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:bookings', 'write:bookings'],
    });
    const agent = new PageAgent(server.url);
    const { app: reader } = await appToken(agent, client, 'reader@example.com', 'read:bookings');
    const refused = await reader.post('/webhooks', { url: receiver.url });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/insufficient_scope.*write:bookings/);
    const { app: writer } = await appToken(agent, client, 'reader@example.com', 'read:bookings write:bookings');
    const created = await writer.post<Hook>('/webhooks', { url: receiver.url });
    expect(created.status).toBe(201);
    expect((await reader.get<{ webhooks: Hook[] }>('/webhooks')).body.webhooks.map((w) => w.id)).toEqual([
      created.body.id,
    ]);
    expect((await reader.delete(`/webhooks/${created.body.id}`)).status).toBe(403);
    expect((await writer.delete(`/webhooks/${created.body.id}`)).status).toBe(204);
  });

  it('revoking the app in /account disables its webhooks at once and drops a queued delivery', async () => {
    const client = await createTestClient(server, {
      name: 'Feed App',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:bookings', 'write:bookings'],
    });
    const agent = new PageAgent(server.url);
    const { app, userId } = await appToken(agent, client, 'lin@example.com', 'read:bookings write:bookings');
    const own = await ownApi(userId);
    const appHook = await app.post<Hook>('/webhooks', { url: receiver.url });
    expect(appHook.status).toBe(201);
    secret = appHook.body.secret;

    await own.book();
    await server.kernel.jobs.drain();
    await receiver.waitFor(1);
    const before = receiver.received.length;

    // A booking whose delivery is queued but not yet run when the person revokes.
    await server.kernel.jobs.stop();
    await own.book();
    const page = await (await agent.get('/account')).text();
    expect(page).toContain('Feed App');
    expect((await agent.submit(page, {}, '/revoke')).status).toBe(303);

    const listed = await own.api.get<{ webhooks: Hook[] }>('/webhooks');
    const hook = listed.body.webhooks.find((w) => w.id === appHook.body.id)!;
    expect(hook.active).toBe(false);
    expect(hook.disabledReason).toMatch(/no longer has your consent/);

    await server.kernel.jobs.drain();
    await own.book();
    await server.kernel.jobs.drain();
    expect(receiver.received.length).toBe(before);
    const deliveries = (await own.api.get<{ deliveries: Delivery[] }>(`/webhooks/${appHook.body.id}/deliveries`)).body
      .deliveries;
    expect(deliveries.map((d) => d.status)).toEqual(['skipped', 'succeeded']);
    server.kernel.jobs.start();
  });

  it('deleting the client (RFC 7592) disables its webhooks; a delivery queued before is dropped', async () => {
    const reg = await fetch(`${server.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'Gone App',
        redirect_uris: ['http://127.0.0.1/cb'],
        token_endpoint_auth_method: 'none',
        scope: 'read:bookings write:bookings',
      }),
    });
    const body = (await reg.json()) as { client_id: string; registration_access_token: string };
    expect(reg.status).toBe(201);
    const client: TestClient = { id: body.client_id, redirectUri: 'http://127.0.0.1/cb' };
    const agent = new PageAgent(server.url);
    const { app, userId } = await appToken(agent, client, 'kai@example.com', 'read:bookings write:bookings');
    const own = await ownApi(userId);
    const appHook = await app.post<Hook>('/webhooks', { url: receiver.url });
    expect(appHook.status).toBe(201);
    secret = appHook.body.secret;
    const before = receiver.received.length;

    await server.kernel.jobs.stop();
    await own.book();
    const deleted = await fetch(`${server.url}/oauth/register/${body.client_id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${body.registration_access_token}` },
    });
    expect(deleted.status).toBe(204);
    const hook = (await own.api.get<{ webhooks: Hook[] }>('/webhooks')).body.webhooks.find(
      (w) => w.id === appHook.body.id,
    )!;
    expect(hook.active).toBe(false);
    await server.kernel.jobs.drain();
    expect(receiver.received.length).toBe(before);
    server.kernel.jobs.start();
  });

  it('checks the grant when a delivery runs, so a consent ended elsewhere (no listener ran) still stops it', async () => {
    const client = await createTestClient(server, {
      name: 'Late App',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:bookings', 'write:bookings'],
    });
    const agent = new PageAgent(server.url);
    const { app, userId } = await appToken(agent, client, 'ola@example.com', 'read:bookings write:bookings');
    const own = await ownApi(userId);
    const appHook = await app.post<Hook>('/webhooks', { url: receiver.url });
    secret = appHook.body.secret;
    const before = receiver.received.length;
    await server.kernel.jobs.stop();
    await own.book();
    // As another process would: the grant row ends without this node's listeners.
    const [grant] = await new GrantRepository(server.kernel.database.db).listActiveForUser(userId);
    expect(await new GrantRepository(server.kernel.database.db).revoke(grant!.id, userId, server.clock.now())).toBe(
      true,
    );
    await server.kernel.jobs.drain();
    expect(receiver.received.length).toBe(before);
    const hook = (await own.api.get<{ webhooks: Hook[] }>('/webhooks')).body.webhooks.find(
      (w) => w.id === appHook.body.id,
    )!;
    expect(hook.active).toBe(false);
    expect(hook.disabledReason).toMatch(/no longer has your consent/);
    server.kernel.jobs.start();
  });
});
