import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { PageAgent, findForm } from '../helpers/browser.ts';
import { signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

describe('review #8: 500s from bad forms', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let agent: PageAgent;
  let accountPage: string;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail());
    agent = new PageAgent(server.url);
    await signInThroughPages(agent, smtp, 'forms@example.com', await agent.get('/account'));
    accountPage = await (await agent.get('/account')).text();
  });
  afterAll(() => close());

  it('a repeated form field is a 400 page, not a 500', async () => {
    const form = findForm(accountPage, '/account/portfolio/wallet');
    const response = await agent.post(form.action, {
      ...form.hidden,
      provider_id: 'ethereum',
      address: ['0xaa', '0xbb'],
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await response.text();
    expect(body).toContain('address must not be repeated');
    expect(body).not.toMatch(/TypeError|trim|is not a function/);
  });

  it('multipart without a boundary is a 400 page, not a 500', async () => {
    const response = await fetch(`${server.url}/account/portfolio/csv`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data' },
      body: 'csrf=x',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('multipart boundary');
  });

  it('checkbox groups and RFC 8707 resources may still repeat', async () => {
    const form = findForm(await (await agent.get('/developers/tokens/new')).text(), '/developers/tokens');
    const created = await agent.post(form.action, {
      ...form.hidden,
      name: 'two scopes',
      expires_in: '90d',
      scopes: ['read:assets', 'read:transactions'],
    });
    expect(created.status, await created.clone().text()).toBeLessThan(400);
    const token = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=nobody&resource=https://a.example&resource=https://b.example',
    });
    expect(token.status).toBe(401); // the client is unknown; the repeated resource was accepted
    const repeated = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=a&grant_type=b',
    });
    expect(repeated.status).toBe(400);
    expect(await repeated.json()).toEqual({
      error: 'invalid_request',
      error_description: 'grant_type must not be repeated',
    });
  });

  it('the OAuth endpoints check their forms themselves, in the OAuth error format', async () => {
    const post = (path: string, body: string, type = 'application/x-www-form-urlencoded') =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
    const cases: Array<[Response, string]> = [
      [
        await post('/oauth/token', `grant_type=client_credentials${'&resource=https://a.example'.repeat(11)}`),
        'at most 10 resource values',
      ],
      [await post('/oauth/token', `grant_type=client_credentials&scope=${'a'.repeat(4097)}`), 'scope is too long'],
      [await post('/oauth/introspect', 'token=a&token=b'), 'token must not be repeated'],
      [
        await post('/oauth/revoke', '{"token":"a"}', 'application/json'),
        'requests must be application/x-www-form-urlencoded',
      ],
      [await post('/oauth/par', `client_id=x&state=${'s'.repeat(4097)}`), 'state is too long'],
    ];
    for (const [response, description] of cases) {
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'invalid_request', error_description: description });
    }
  });

  it('an unexpected failure is logged with its request id and shows no internal message', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write: (chunk: Buffer, _encoding, done) => void (lines.push(chunk.toString()), done()),
    });
    const config = loadConfig({
      NODE_ENV: 'test',
      ISSUER: 'http://127.0.0.1:1',
      DATABASE_URL: 'sqlite::memory:',
      SECRET_KEY: 'dGVzdC1zZWNyZXQta2V5LXRoYXQtaXMtMzItYnl0ZXMhIQ',
      JANITOR_INTERVAL_SECONDS: '0',
    });
    const { app } = await buildApp(config, { logger: { level: 'error', stream } });
    app.get('/explodes', async () => {
      throw new Error('the internal detail: table users is locked');
    });
    try {
      for (const accept of ['text/html', 'application/json']) {
        const response = await app.inject({ url: '/explodes', headers: { accept } });
        expect(response.statusCode).toBe(500);
        expect(response.body).not.toContain('internal detail');
        expect(response.body).toContain(response.headers['x-request-id']);
        const logged = lines
          .map((l) => JSON.parse(l) as { request_id?: string; err?: { message: string } })
          .find((l) => l.request_id === response.headers['x-request-id']);
        expect(logged?.err?.message).toContain('internal detail');
      }
    } finally {
      await app.close();
    }
  });
});

describe('review #10: invalid UTF-8 in JSON bodies is accepted', () => {
  let server: TestServer;
  let close: () => Promise<void>;
  beforeAll(async () => ({ server, close } = await startServerWithMail()));
  afterAll(() => close());

  it('answers 400 and stores nothing', async () => {
    const body = Buffer.concat([
      Buffer.from('{"client_name":"Bad '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","redirect_uris":["https://app.example/cb"]}'),
    ]);
    const response = await fetch(`${server.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('UTF-8');
    expect(
      await server.kernel.database.db.selectFrom('clients').select('id').where('name', 'like', 'Bad%').execute(),
    ).toEqual([]);

    const valid = Buffer.from('{"client_name":"Good ü","redirect_uris":["https://app.example/cb"]}');
    expect(
      (
        await fetch(`${server.url}/oauth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: valid,
        })
      ).status,
    ).toBe(201);
  });
});
