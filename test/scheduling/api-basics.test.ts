import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { basicAuth, createTestClient, postForm } from '../helpers/clients.ts';
import { newHost, type ApiClient } from './support/api.ts';

describe.each(testDialects())('scheduling API v2 basics (%s)', (dialect) => {
  let server: TestServer;
  let api: ApiClient;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    ({ api } = await newHost(server, { name: 'Anna Müller' }));
  });
  afterAll(() => server.close());

  it('GET /me answers the profile with a slug and a time zone', async () => {
    const me = await api.get('/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ name: 'Anna Müller', slug: 'anna-muller', timezone: 'UTC' });
    expect(me.headers.get('x-ratelimit-limit')).toBe('600');
    expect(me.headers.get('x-ratelimit-remaining')).toBe('599');
    const reset = Number(me.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(reset).toBeLessThanOrEqual(Date.now() / 1000 + 61);
  });

  it('answers 401 with the error body and the challenge without a token, 403 without the scope', async () => {
    const none = await fetch(`${server.url}/api/v2/me`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('resource_metadata=');
    expect(none.headers.get('x-ratelimit-limit')).toBe('600');
    expect(await none.json()).toMatchObject({ title: 'Unauthorized', message: expect.any(String) });
    const { api: narrow } = await newHost(server, { scopes: ['read:bookings'] });
    const forbidden = await narrow.get('/me');
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
    expect(forbidden.body).toMatchObject({ title: 'Forbidden' });
  });

  it('refuses a token that acts for no person', async () => {
    const client = await createTestClient(server, { allowedScopes: ['read:profile'] });
    const token = (
      await postForm(
        server,
        '/oauth/token',
        { grant_type: 'client_credentials', scope: 'read:profile' },
        { authorization: basicAuth(client.id, client.secret!) },
      )
    ).json.access_token as string;
    const res = await fetch(`${server.url}/api/v2/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
  });

  it('creates, reads, edits and deletes event types; a duplicate slug is a 409', async () => {
    const created = await api.post('/event-types', { name: 'Intro call', durations: [30, 60], bufferAfterMin: 10 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Intro call',
      slug: 'intro-call',
      kind: 'one_on_one',
      durations: [30, 60],
      bufferAfterMin: 10,
      active: true,
      url: `${server.url}/anna-muller/intro-call`,
    });
    const id = created.body.id as string;
    expect((await api.get(`/event-types/${id}`)).body).toEqual(created.body);
    const dup = await api.post('/event-types', { name: 'Other', slug: 'intro-call' });
    expect(dup.status).toBe(409);
    expect(dup.body.details).toEqual([{ path: ['slug'], message: 'already taken' }]);
    const edited = await api.patch(`/event-types/${id}`, { name: 'Intro', dailyLimit: 3 });
    expect(edited.body).toMatchObject({ name: 'Intro', dailyLimit: 3 });
    const cleared = await api.patch(`/event-types/${id}`, { dailyLimit: null });
    expect(cleared.body.dailyLimit).toBeUndefined();
    const listed = await api.get<{ eventTypes: unknown[] }>('/event-types');
    expect(listed.body.eventTypes).toHaveLength(1);
    expect((await api.delete(`/event-types/${id}`)).status).toBe(204);
    expect((await api.get(`/event-types/${id}`)).status).toBe(404);
  });

  it('lists every invalid field of a bad event type, and stores nothing', async () => {
    const bad = await api.post('/event-types', {
      name: '',
      durations: [0],
      location: { kind: 'pigeon' },
      bufferBeforeMin: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.title).toBe('Bad Request');
    const paths = (bad.body.details as Array<{ path: unknown[] }>).map((d) => d.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['location.kind', 'bufferBeforeMin']));
    const semantic = await api.post('/event-types', { name: '', durations: [0, 0] });
    expect(semantic.status).toBe(400);
    expect((semantic.body.details as Array<{ path: unknown[] }>).map((d) => d.path.join('.'))).toEqual(
      expect.arrayContaining(['name', 'durations.0', 'durations']),
    );
    expect((await api.get<{ eventTypes: unknown[] }>('/event-types')).body.eventTypes).toHaveLength(0);
  });

  it('serves its own OpenAPI document', async () => {
    const res = await fetch(`${server.url}/api/v2/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      servers: Array<{ url: string }>;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0]!.url).toBe(`${server.url}/api/v2`);
    for (const path of [
      '/me',
      '/event-types',
      '/event-types/{id}',
      '/schedules',
      '/schedules/{id}',
      '/availability',
      '/bookings',
      '/bookings/{id}',
      '/bookings/{id}/reschedule',
      '/webhooks',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(Object.keys(doc.paths['/bookings']!)).toEqual(expect.arrayContaining(['get', 'post']));
  });

  it('answers unknown endpoints and bad JSON in its own envelope', async () => {
    const missing = await api.get('/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ title: 'Not Found' });
    const res = await fetch(`${server.url}/api/v2/event-types`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ title: 'Bad Request' });
  });
});
