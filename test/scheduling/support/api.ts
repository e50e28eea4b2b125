import type { TestServer } from '../../helpers/server.ts';

export const ALL_SCOPES = [
  'read:profile',
  'read:bookings',
  'write:bookings',
  'read:event-types',
  'write:event-types',
  'read:availability',
  'write:availability',
];

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A small client of /api/v2 with one bearer token. */
export class ApiClient {
  constructor(
    private readonly server: TestServer,
    readonly token: string,
  ) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.server.url}/api/v2${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T };
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.call<T>('GET', path);
  }

  post<T = Record<string, unknown>>(path: string, body: unknown) {
    return this.call<T>('POST', path, body);
  }

  patch<T = Record<string, unknown>>(path: string, body: unknown) {
    return this.call<T>('PATCH', path, body);
  }

  delete<T = Record<string, unknown>>(path: string) {
    return this.call<T>('DELETE', path);
  }
}

let counter = 0;

/** A new person with a personal access token carrying `scopes`. */
export async function newHost(
  server: TestServer,
  options: { name?: string; scopes?: string[] } = {},
): Promise<{ userId: string; api: ApiClient; email: string }> {
  const email = `host${++counter}-${Date.now()}@example.com`;
  const user = await server.accounts.users.create({ email, name: options.name ?? `Host ${counter}` });
  const { token } = await server.oauth.personalTokens.create({
    userId: user.id,
    name: 'tests',
    scopes: options.scopes ?? ALL_SCOPES,
  });
  return { userId: user.id, api: new ApiClient(server, token), email };
}
