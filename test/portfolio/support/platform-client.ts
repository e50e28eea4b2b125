import { PageAgent } from '../../helpers/browser.ts';
import { postForm, type TestClient } from '../../helpers/clients.ts';
import { authorizeThroughPages } from '../../helpers/oauth-flow.ts';
import type { SmtpCapture } from '../../helpers/oauth-server.ts';
import type { TestServer } from '../../helpers/server.ts';

/** JSON answers: their shape is what the tests assert with expect(), not what types promise. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const ALL_SCOPES = 'read:providers write:providers read:assets read:transactions';

export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: { data: T; errors: Array<{ provider_id?: string; cause: string; message: string }> };
}

/** Calls the Platform API with a bearer token and reads the `{data, errors}` envelope. */
export class PlatformClient {
  constructor(
    private readonly server: TestServer,
    readonly token: string,
  ) {}

  get<T = Json>(path: string): Promise<ApiAnswer<T>> {
    return this.send<T>('GET', path);
  }

  post<T = Json>(path: string, body?: unknown): Promise<ApiAnswer<T>> {
    return this.send<T>('POST', path, body);
  }

  delete<T = Json>(path: string, body: unknown): Promise<ApiAnswer<T>> {
    return this.send<T>('DELETE', path, body);
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.server.url + path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as ApiAnswer<T>['body'],
    };
  }
}

/** A person who signed in through the pages and let `client` in: their agent, token and id. */
export async function personWithToken(
  server: TestServer,
  smtp: SmtpCapture,
  client: TestClient,
  email: string,
  scope = ALL_SCOPES,
) {
  const agent = new PageAgent(server.url);
  const { redirect, verifier } = await authorizeThroughPages(server, agent, smtp, client, { email, params: { scope } });
  return { agent, ...(await exchangeCode(server, client, redirect, verifier)) };
}

export async function exchangeCode(server: TestServer, client: TestClient, redirect: URL, verifier: string) {
  const code = redirect.searchParams.get('code');
  if (!code) throw new Error(`no code in ${redirect.toString()}`);
  const tokens = await postForm(server, '/oauth/token', {
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUri,
    code_verifier: verifier,
    client_id: client.id,
  });
  const token = tokens.json.access_token as string;
  if (!token) throw new Error(`token exchange failed: ${JSON.stringify(tokens.json)}`);
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string };
  return { token, userId: claims.sub, api: new PlatformClient(server, token) };
}
