/**
 * A small OAuth client for the device authorization grant (RFC 8628), as an agent or a command
 * line tool runs it: discover the issuer's endpoints, ask for a device code, show the person
 * where to approve, poll until they have. It speaks to the server only over HTTP, so it works
 * against any RFC 8628 authorization server, and imports nothing of the server's code.
 */

export interface DeviceLoginOptions {
  issuer: string;
  clientId: string;
  /** For a confidential client (client_secret_basic); a public client sends only its id. */
  clientSecret?: string | undefined;
  scope?: string | undefined;
  resources?: string[];
  /** Shows the person where to go and the code to type. */
  prompt(instructions: DeviceInstructions): void;
  /** Waits between polls (injected so tests and callers can observe it). */
  wait?: (seconds: number) => Promise<void>;
}

export interface DeviceInstructions {
  verificationUri: string;
  verificationUriComplete?: string | undefined;
  userCode: string;
  expiresIn: number;
}

/** The token response (RFC 6749 §5.1), as the server sent it. */
export type TokenSet = Record<string, unknown> & { access_token: string; token_type: string };

/** The login did not end with tokens; `reason` is the OAuth error code or a short tag. */
export class DeviceLoginFailed extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

interface ServerMetadata {
  issuer: string;
  token_endpoint: string;
  device_authorization_endpoint?: string;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** Runs the whole device flow and returns the tokens. */
export async function deviceLogin(options: DeviceLoginOptions): Promise<TokenSet> {
  const issuer = checkIssuer(options.issuer);
  const metadata = await discover(issuer);
  if (!metadata.device_authorization_endpoint)
    throw new DeviceLoginFailed('unsupported', `${issuer} does not offer the device authorization grant`);
  const body = new URLSearchParams({ client_id: options.clientId });
  if (options.scope) body.set('scope', options.scope);
  for (const resource of options.resources ?? []) body.append('resource', resource);
  const started = await postForm(metadata.device_authorization_endpoint, body, options);
  if (!started.ok) throw failure(started.json, 'the device authorization request was refused');
  const device = started.json as {
    device_code?: unknown;
    user_code?: unknown;
    verification_uri?: unknown;
    verification_uri_complete?: unknown;
    expires_in?: unknown;
    interval?: unknown;
  };
  if (
    typeof device.device_code !== 'string' ||
    typeof device.user_code !== 'string' ||
    typeof device.verification_uri !== 'string' ||
    typeof device.expires_in !== 'number'
  )
    throw new DeviceLoginFailed('invalid_response', 'the device authorization response is malformed');
  options.prompt({
    verificationUri: device.verification_uri,
    verificationUriComplete:
      typeof device.verification_uri_complete === 'string' ? device.verification_uri_complete : undefined,
    userCode: device.user_code,
    expiresIn: device.expires_in,
  });
  // RFC 8628 §3.2: without an interval the client waits 5 seconds.
  let interval = typeof device.interval === 'number' && device.interval > 0 ? device.interval : 5;
  const deadline = Date.now() + device.expires_in * 1000;
  const wait = options.wait ?? ((seconds: number) => new Promise<void>((r) => setTimeout(r, seconds * 1000)));
  const poll = new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    device_code: device.device_code,
    client_id: options.clientId,
  });
  while (Date.now() < deadline) {
    await wait(interval);
    const answer = await postForm(metadata.token_endpoint, poll, options);
    if (answer.ok) {
      const tokens = answer.json as Partial<TokenSet>;
      if (typeof tokens.access_token !== 'string' || typeof tokens.token_type !== 'string')
        throw new DeviceLoginFailed('invalid_response', 'the token response has no access token');
      return tokens as TokenSet;
    }
    const error = (answer.json as { error?: unknown }).error;
    if (error === 'authorization_pending') continue;
    // §3.5: slow_down adds 5 seconds to the interval, for this and every later request.
    if (error === 'slow_down') interval += 5;
    else throw failure(answer.json, 'the token request failed');
  }
  throw new DeviceLoginFailed('expired_token', 'the code expired before anyone approved it');
}

/** TLS everywhere but on this machine (RFC 8628 §5.1 is explicit about it). */
function checkIssuer(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DeviceLoginFailed('invalid_issuer', `not a URL: ${value}`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local))
    throw new DeviceLoginFailed('invalid_issuer', 'the issuer must use https (http only on localhost)');
  return value.replace(/\/+$/, '');
}

/** RFC 8414 §3: the metadata sits under /.well-known, and its issuer must be the one asked for. */
async function discover(issuer: string): Promise<ServerMetadata> {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname;
  const response = await send(`${url.origin}/.well-known/oauth-authorization-server${path}`, { method: 'GET' });
  const metadata = (await readJson(response)) as Partial<ServerMetadata>;
  if (!response.ok || typeof metadata.token_endpoint !== 'string')
    throw new DeviceLoginFailed('discovery_failed', `no authorization server metadata at ${issuer}`);
  if (metadata.issuer !== issuer)
    throw new DeviceLoginFailed('discovery_failed', `the metadata names another issuer: ${String(metadata.issuer)}`);
  return metadata as ServerMetadata;
}

async function postForm(
  endpoint: string,
  body: URLSearchParams,
  client: Pick<DeviceLoginOptions, 'clientId' | 'clientSecret'>,
): Promise<{ ok: boolean; json: unknown }> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (client.clientSecret !== undefined) {
    // RFC 6749 §2.3.1: both parts form-encoded before Basic encoding.
    const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  const response = await send(endpoint, { method: 'POST', headers, body: body.toString() });
  return { ok: response.ok, json: await readJson(response) };
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new DeviceLoginFailed('network', `could not reach ${new URL(url).origin}: ${why}`);
  }
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return {};
  }
}

function failure(json: unknown, fallback: string): DeviceLoginFailed {
  const { error, error_description: description } = (json ?? {}) as { error?: unknown; error_description?: unknown };
  const reason = typeof error === 'string' ? error : 'error';
  const text = typeof description === 'string' ? description : fallback;
  return new DeviceLoginFailed(reason, `${reason}: ${text}`);
}
