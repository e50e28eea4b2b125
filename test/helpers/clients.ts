import type { NewClient } from '../../src/oauth/index.ts';
import type { TestServer } from './server.ts';

export interface TestClient {
  id: string;
  secret?: string;
  redirectUri: string;
}

/** Registers a client directly through the service (the CLI and console use the same one). */
export async function createTestClient(server: TestServer, overrides: Partial<NewClient> = {}): Promise<TestClient> {
  const redirectUri = overrides.redirectUris?.[0] ?? 'http://127.0.0.1:9/callback';
  const { client, secret } = await server.oauth.clientService.create({
    name: 'Test App',
    type: 'confidential',
    redirectUris: [redirectUri],
    ...overrides,
  });
  return { id: client.id, ...(secret ? { secret } : {}), redirectUri };
}

export function basicAuth(id: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
}

/** POSTs a form to the server and returns status, headers and parsed JSON. */
export async function postForm(
  server: TestServer,
  path: string,
  form: Record<string, string | string[]>,
  headers: Record<string, string> = {},
) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
  const response = await fetch(server.url + path, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = { raw: text };
  }
  return { status: response.status, headers: response.headers, json };
}
