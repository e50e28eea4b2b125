// Baseline for the benchmark: oidc-provider 8.x in a child process (see oidc-provider-server.ts),
// plus helpers to mint real, redeemable codes and tokens through the provider's own models.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSync } from 'node:crypto';
import { signClientAssertion, type KeyClient } from './client-assertions.ts';
import type { IdTokenAlg, ServerMessage, ServerRequest } from './oidc-provider-server.ts';

export type { IdTokenAlg };

export interface BaselineOptions {
  /** ID token signing alg (signed on every code and refresh grant). Default RS256, oidc-provider's default. */
  idTokenAlg?: IdTokenAlg;
  /**
   * Every grant (code, refresh, client credentials) issues JWT access tokens (RFC 9068, ES256)
   * instead of oidc-provider's default opaque ones, as Consentry's contract has it: a comparison in
   * which both servers sign the same tokens. Default off.
   */
  jwtAccessTokens?: boolean;
}

export interface OidcProviderBaseline {
  url: string; // http://127.0.0.1:<port>, issuer too
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** `Basic …` header value for the client (client_secret_basic). */
  basicAuth: string;
  /** From the discovery document. */
  endpoints: { token: string; userinfo: string; introspection: string; revocation: string };
  /** A second client, for client credentials with private_key_jwt (ES256). */
  keyClient: KeyClient;
  /** Server process id, e.g. for sampleRssMb(pid). */
  pid: number;
  /** Every grant issues ES256 JWT access tokens (BaselineOptions.jwtAccessTokens). */
  jwtAccessTokens: boolean;
  mintAuthorizationCodes(n: number): Promise<Array<{ code: string; verifier: string }>>; // PKCE S256, live 60 s
  mintRefreshTokens(n: number): Promise<string[]>; // rotation is on: each is good for exactly one refresh
  mintAccessToken(): Promise<string>; // opaque, scope openid: usable at userinfo and introspection
  close(): Promise<void>;
}

type Ready = Extract<ServerMessage, { type: 'ready' }>;
type Op = ServerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never; // per-variant Omit

const START_TIMEOUT_MS = 30_000;
const CALL_TIMEOUT_MS = 120_000;

export async function startOidcProviderBaseline(opts: BaselineOptions = {}): Promise<OidcProviderBaseline> {
  const keyPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = 'bench-key-client';
  const publicJwk = { ...keyPair.publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
  const child = fork(fileURLToPath(new URL('./oidc-provider-server.ts', import.meta.url)), [], {
    cwd: fileURLToPath(new URL('..', import.meta.url)), // so `--import tsx` resolves from this repo
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      BENCH_ID_TOKEN_ALG: opts.idTokenAlg ?? 'RS256',
      BENCH_PKJWT_JWK: JSON.stringify(publicJwk),
      BENCH_OP_JWT_ACCESS_TOKENS: opts.jwtAccessTokens ? '1' : '',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild); // never leave the server behind if the bench crashes

  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let exited = false;
  child.on('exit', (code, signal) => {
    exited = true;
    for (const p of pending.values()) p.reject(new Error(`oidc-provider baseline exited (${code ?? signal})`));
    pending.clear();
  });

  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => {
      killChild();
      reject(new Error('oidc-provider baseline did not start in time'));
    }, START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`oidc-provider baseline exited during start (${code})`));
    });
    child.on('message', (msg: ServerMessage) => {
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve(msg);
        return;
      }
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.error !== undefined) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
    });
  });

  const call = <T>(op: Op): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) {
        reject(new Error('oidc-provider baseline is not running'));
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`IPC ${op.op} timed out`));
      }, CALL_TIMEOUT_MS);
      pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.send({ ...op, id } as ServerRequest);
    });

  const discovery = (await (await fetch(`${ready.url}/.well-known/openid-configuration`)).json()) as Record<
    string,
    string
  >;
  const baseline: OidcProviderBaseline = {
    url: ready.url,
    clientId: ready.clientId,
    clientSecret: ready.clientSecret,
    redirectUri: ready.redirectUri,
    basicAuth: `Basic ${Buffer.from(`${encodeURIComponent(ready.clientId)}:${encodeURIComponent(ready.clientSecret)}`).toString('base64')}`,
    endpoints: {
      token: discovery.token_endpoint!,
      userinfo: discovery.userinfo_endpoint!,
      introspection: discovery.introspection_endpoint!,
      revocation: discovery.revocation_endpoint!,
    },
    keyClient: { clientId: ready.keyClientId, privateKey: keyPair.privateKey, kid, audience: ready.url },
    pid: child.pid!,
    jwtAccessTokens: opts.jwtAccessTokens ?? false,
    mintAuthorizationCodes: (n) => call({ op: 'codes', n }),
    mintRefreshTokens: (n) => call({ op: 'refreshTokens', n }),
    mintAccessToken: () => call({ op: 'accessToken' }),
    async close() {
      process.removeListener('exit', killChild);
      if (exited) return;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      await gone;
    },
  };

  try {
    await verifyBaseline(baseline);
  } catch (err) {
    await baseline.close();
    throw err;
  }
  return baseline;
}

/**
 * Redeems one of each minted artifact so a misconfigured baseline fails loudly instead of benchmarking
 * error responses. Also proves code single-use and refresh-token rotation are really on.
 */
export async function verifyBaseline(b: OidcProviderBaseline): Promise<void> {
  const form = async (url: string, params: Record<string, string>, auth?: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth ? { authorization: auth } : {}) },
      body: new URLSearchParams(params),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const expect = (ok: boolean, what: string, got: unknown) => {
    if (!ok) throw new Error(`baseline self-check failed: ${what}: ${JSON.stringify(got)}`);
  };

  const jwtHeader = (token: unknown) => {
    try {
      return JSON.parse(Buffer.from(String(token).split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  // Each grant's access token in the configured format: an ES256 JWT (RFC 9068), or opaque.
  const inFormat = (what: string, answer: { json: Record<string, unknown> }) => {
    const header = jwtHeader(answer.json.access_token);
    expect(
      b.jwtAccessTokens ? header?.alg === 'ES256' && header.typ === 'at+jwt' : header === undefined,
      `${what}: access tokens must be ${b.jwtAccessTokens ? 'ES256 JWTs' : 'opaque'}`,
      answer,
    );
  };
  const [minted] = await b.mintAuthorizationCodes(1);
  const codeParams = {
    grant_type: 'authorization_code',
    code: minted!.code,
    code_verifier: minted!.verifier,
    redirect_uri: b.redirectUri,
  };
  const exchanged = await form(b.endpoints.token, codeParams, b.basicAuth);
  expect(
    exchanged.status === 200 && !!exchanged.json.refresh_token && !!exchanged.json.id_token,
    'code exchange',
    exchanged,
  );
  inFormat('code exchange', exchanged);
  const replayed = await form(b.endpoints.token, codeParams, b.basicAuth);
  expect(replayed.status === 400, 'code replay must fail', replayed);

  // client_secret_post here, client_secret_basic above: both must work for the same client.
  const [rt] = await b.mintRefreshTokens(1);
  const post = { client_id: b.clientId, client_secret: b.clientSecret };
  const refreshed = await form(b.endpoints.token, { grant_type: 'refresh_token', refresh_token: rt!, ...post });
  expect(
    refreshed.status === 200 && typeof refreshed.json.refresh_token === 'string' && refreshed.json.refresh_token !== rt,
    'refresh with rotation',
    refreshed,
  );
  inFormat('refresh', refreshed);
  const reused = await form(b.endpoints.token, { grant_type: 'refresh_token', refresh_token: rt!, ...post });
  expect(reused.status === 400, 'reusing a rotated refresh token must fail', reused);

  const at = await b.mintAccessToken();
  const ui = await fetch(b.endpoints.userinfo, { headers: { authorization: `Bearer ${at}` } });
  const claims = (await ui.json()) as Record<string, unknown>;
  expect(ui.status === 200 && typeof claims.sub === 'string' && typeof claims.email === 'string', 'userinfo', claims);
  const intro = await form(b.endpoints.introspection, { token: at }, b.basicAuth);
  expect(intro.status === 200 && intro.json.active === true, 'introspection', intro);

  const cc = await form(b.endpoints.token, { grant_type: 'client_credentials' }, b.basicAuth);
  expect(cc.status === 200 && typeof cc.json.access_token === 'string', 'client_credentials', cc);
  inFormat('client_credentials', cc);

  // private_key_jwt: one assertion works, and its replay is refused (the jti check is on).
  const assertion = signClientAssertion(b.keyClient);
  const body = {
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  };
  const keyed = await form(b.endpoints.token, body);
  expect(keyed.status === 200 && typeof keyed.json.access_token === 'string', 'private_key_jwt', keyed);
  inFormat('private_key_jwt', keyed);
  const replayedAssertion = await form(b.endpoints.token, body);
  expect(replayedAssertion.status === 401, 'a replayed client assertion must fail', replayedAssertion);
}
