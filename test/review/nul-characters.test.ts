import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MalformedBody } from '../../src/kernel/http/malformed-body.ts';
import { refusedTextAsMalformed } from '../../src/kernel/http/nul-characters.ts';
import { decodeCursor } from '../../src/scheduling/bookings/cursor.ts';
import { readRows } from '../../src/portfolio/sources/csv/read-rows.ts';
import { basicAuth, createTestClient, postForm } from '../helpers/clients.ts';
import { clientKeyPair } from '../helpers/client-keys.ts';
import { testDialects } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { newHost, type ApiClient } from '../scheduling/support/api.ts';

const REFUSED = 'no field may hold a NUL character (U+0000)';
const NUL = '\u0000';

/**
 * U+0000 from a client: PostgreSQL's text refuses it (22021), which answered 500 wherever a
 * request carried one to a statement (a fuzz run found ~80 such routes). Refused where requests
 * come in, the same 400 on both databases.
 */
describe.each(testDialects())('NUL characters in requests (%s)', (dialect) => {
  let server: TestServer;
  let api: ApiClient;
  let userId: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    ({ api, userId } = await newHost(server));
  });
  afterAll(() => server.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });
  const postJson = (path: string, body: unknown, token?: string) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  it('in the address: a 400 in each area’s own format', async () => {
    const authorize = await get('/oauth/authorize?client_id=%00&response_type=code&redirect_uri=https://a.example/cb');
    expect(authorize.status).toBe(400);
    expect(authorize.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await authorize.text()).toContain(REFUSED);

    const register = await get('/oauth/register/%00', { authorization: 'Bearer x' });
    expect(register.status).toBe(400);
    expect(await register.json()).toEqual({
      error: 'invalid_request',
      error_description: `the address holds %00: ${REFUSED}`,
    });

    const eventType = await api.get('/event-types/%00');
    expect(eventType.status).toBe(400);
    expect(eventType.body).toEqual({ title: 'Bad Request', message: `The address holds %00: ${REFUSED}.` });

    const hostPage = await get('/%00');
    expect(hostPage.status).toBe(400);
    expect(await hostPage.text()).toContain(REFUSED);

    const refresh = await get('/platform/v2/refresh/%00', { authorization: `Bearer ${api.token}` });
    expect(refresh.status).toBe(400);
    expect((await refresh.json()).errors[0]).toMatchObject({ cause: 'bad_request' });
  });

  it('in a form body: invalid_request at the token endpoint, before any client is looked up', async () => {
    const token = await postForm(server, '/oauth/token', { grant_type: 'client_credentials', client_id: NUL });
    expect(token.status).toBe(400);
    expect(token.json).toEqual({ error: 'invalid_request', error_description: REFUSED });
    const named = await postForm(server, '/oauth/token', { grant_type: 'client_credentials', [`sc${NUL}ope`]: 'x' });
    expect(named.status).toBe(400);
  });

  it('in a JSON body: registration, the scheduling API and the Platform API refuse it', async () => {
    const registered = await postJson('/oauth/register', {
      client_name: `a${NUL}b`,
      redirect_uris: ['http://127.0.0.1:9/cb'],
      token_endpoint_auth_method: 'none',
    });
    expect(registered.status).toBe(400);
    expect((await registered.json()).error_description).toBe(REFUSED);

    const eventType = await api.post('/event-types', { name: NUL });
    expect(eventType.status).toBe(400);
    expect(eventType.body.message).toBe(`${REFUSED[0]!.toUpperCase()}${REFUSED.slice(1)}.`);

    // Keys too: `{"\u0000": 1}` holds one as much as a value does.
    const keyed = await fetch(`${server.url}/api/v2/schedules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: '{"name":"Week","\\u0000":1}',
    });
    expect(keyed.status).toBe(400);
    // Six plain characters are no NUL: `\\u0000` in JSON is a backslash and "u0000".
    const escaped = await api.post('/schedules', {
      name: 'back\\u0000slash',
      timezone: 'UTC',
      weekly: [{ day: 'fri', start: '18:00', end: '21:00' }],
    });
    expect(escaped.status, JSON.stringify(escaped.body)).toBe(201);
    expect(escaped.body.name).toBe('back\\u0000slash');

    const { token } = await server.oauth.personalTokens.create({ userId, name: 'nul', scopes: ['write:providers'] });
    const linked = await postJson(
      '/platform/v2/providers',
      { provider_id: 'csv', display_label: NUL, connection: { type: 'csv', content: 'a,b\n1,2\n' } },
      token,
    );
    expect(linked.status).toBe(400);
    expect(await linked.json()).toEqual({ data: null, errors: [{ cause: 'bad_request', message: REFUSED }] });
  });

  it('decoded from inside a value: Basic credentials, a JWT’s claims, a booking cursor, a CSV file', async () => {
    const basic = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { authorization: basicAuth(`a${NUL}`, 'secret') },
    );
    expect(basic.status).toBe(401);
    expect(basic.json).toMatchObject({ error: 'invalid_client', error_description: 'malformed Basic credentials' });

    const key = await clientKeyPair('ES256');
    const assertion = await new SignJWT({ iss: NUL, sub: NUL, aud: server.url, jti: 'j', exp: 2e9 })
      .setProtectedHeader({ alg: 'ES256' })
      .sign(key.privateKey);
    const asserted = await postForm(server, '/oauth/token', {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    expect(asserted.status).toBe(401);
    expect(asserted.json.error_description).toBe(
      'client_assertion is not a JWT this server takes: a JWT part holds a NUL character (U+0000)',
    );

    const cursor = Buffer.from(JSON.stringify({ s: 1, i: NUL })).toString('base64url');
    expect(decodeCursor(cursor)).toBeUndefined();
    const listed = await api.get(`/bookings?cursor=${cursor}`);
    expect(listed.status).toBe(400);

    const csv = await readRows(`timestamp,amount\n2024-01-01,1${NUL}\n`, ['timestamp'], 10);
    expect(csv.problems).toEqual([
      { line: 1, message: 'the file holds NUL characters (U+0000): save it as UTF-8 CSV' },
    ]);
  });

  it('behind those checks, a value PostgreSQL still refuses for its characters is a 400, not a 500', () => {
    const refused = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    expect(refusedTextAsMalformed(refused)).toBeInstanceOf(MalformedBody);
    expect((refusedTextAsMalformed(refused) as MalformedBody).statusCode).toBe(400);
    const other = Object.assign(new Error('deadlock'), { code: '40P01' });
    expect(refusedTextAsMalformed(other)).toBe(other);
  });

  it('lets a client that is looked up for real pass (the checks only refuse NUL)', async () => {
    const client = await createTestClient(server, {
      allowedScopes: ['read:bookings'],
      grantTypes: ['client_credentials'],
    });
    const issued = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', scope: 'read:bookings' },
      { authorization: basicAuth(client.id, client.secret!) },
    );
    expect(issued.status).toBe(200);
  });
});
