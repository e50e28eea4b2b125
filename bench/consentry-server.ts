// Consentry under load, started as `npm start` starts it (the compiled build, renewed when src/ changed) in a child process (its own core and event
// loop; autocannon stays in the parent) on a fresh durable SQLite file in a temp dir. The parent opens
// the same database file through Consentry's own code (SQLite WAL allows a second process) to register
// the client, the person and the consent, and to mint authorization codes exactly as /oauth/authorize
// does. Refresh and access tokens come from real code exchanges over HTTP.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { describeConfig, loadConfig } from '../src/config.ts';
import { createKernel, type Kernel } from '../src/kernel/kernel.ts';
import { createOAuthContext } from '../src/oauth/oauth-context.ts';
import { createAuthorizationServer } from '../src/oauth/index.ts';
import { servedProducts } from '../src/products.ts';
import { createAccounts } from '../src/accounts/index.ts';
import { Csrf } from '../src/ui/csrf.ts';
import { GrantRepository } from '../src/oauth/consent/grant-repository.ts';
import { issueCodeRedirect } from '../src/oauth/authorization/issue-code.ts';
import type { AuthorizationRequest } from '../src/oauth/authorization/authorization-request.ts';
import { newId } from '../src/kernel/crypto/tokens.ts';
import { freePort, npmStartNodeFlags, onParentExit, stopChild } from './child-process.ts';
import { signClientAssertion, type KeyClient } from './client-assertions.ts';

export interface ConsentryOptions {
  /** Write a V8 CPU profile of the server (node --cpu-prof) into this directory when it stops. */
  cpuProfileDir?: string;
  /** Extra settings for the server (and the minting handle), e.g. AUTHORIZATION_CODE_TTL_SECONDS. */
  settings?: Record<string, string>;
  /**
   * Scopes of the platform API (`<issuer>/platform`, e.g. the portfolio's `read:assets`) the bench
   * client may also ask for; the person consents to them and `mintPlatformToken` answers tokens.
   */
  platformScopes?: string[];
  /**
   * PostgreSQL server to run on instead of a SQLite file (`postgres://…`): a database of its own
   * is created for the run and dropped after.
   */
  postgresUrl?: string;
  /** Consentry processes sharing the database (one issuer, one SECRET_KEY), each on its own port. */
  nodes?: number;
}

/** Same shape as OidcProviderBaseline, so the scenarios run unchanged against either server. */
export interface ConsentryUnderTest {
  url: string; // http://127.0.0.1:<port>, issuer too
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** `Basic …` header value for the client (client_secret_basic). */
  basicAuth: string;
  /** From the discovery document. */
  endpoints: { token: string; userinfo: string; introspection: string; revocation: string };
  /** A second client, for client credentials with private_key_jwt (ES256, its key registered as jwks). */
  keyClient: KeyClient;
  /** Server process id, e.g. for sampleRssMb(pid) (the first node's when there are several). */
  pid: number;
  /** Every node's process id and origin (the first is `url`, the issuer). */
  nodes: Array<{ pid: number; origin: string }>;
  /** Lifetime of minted codes: AUTHORIZATION_CODE_TTL_SECONDS of this server. */
  codeTtlSeconds: number;
  mintAuthorizationCodes(n: number): Promise<Array<{ code: string; verifier: string }>>; // PKCE S256
  mintRefreshTokens(n: number): Promise<string[]>; // one code exchange each; rotation is always on
  mintAccessToken(): Promise<string>; // JWT, scope `openid offline_access`: usable at userinfo and introspection
  /** An access token for `<issuer>/platform` with the `platformScopes` asked for at start (none: throws). */
  mintPlatformToken(): Promise<string>;
  close(): Promise<void>;
}

const REDIRECT_URI = 'http://127.0.0.1/cb';
const SCOPES = ['openid', 'offline_access'];
const START_TIMEOUT_MS = 30_000;
/** Codes minted at once before a code-exchange run (see mintCodes). */
const MINT_CONCURRENCY = 32;
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** One production build per bench run, however many servers it starts. */
let built = false;

export async function startConsentry(opts: ConsentryOptions = {}): Promise<ConsentryUnderTest> {
  if (!built) execFileSync(process.execPath, ['scripts/build.js', '--if-stale'], { cwd: REPO_ROOT, stdio: 'inherit' });
  built = true;
  const dir = mkdtempSync(join(tmpdir(), 'consentry-bench-'));
  const postgres = opts.postgresUrl ? await createBenchDatabase(opts.postgresUrl) : undefined;
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const ports = await Promise.all(Array.from({ length: Math.max(1, opts.nodes ?? 1) }, () => freePort()));
  const url = `http://127.0.0.1:${ports[0]}`;
  const settings: Record<string, string> = {
    // Production insists on an https issuer; the bench serves plain http on loopback. The token
    // endpoints run the same code in both modes (development adds /try, switched off here).
    NODE_ENV: 'development',
    TRY_APP: 'false',
    HOST: '127.0.0.1',
    PORT: String(ports[0]),
    ISSUER: url,
    DATABASE_URL: postgres?.url ?? `sqlite:${join(dir, 'bench.db')}`,
    DATA_DIR: dir,
    SECRET_KEY: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
    JANITOR_INTERVAL_SECONDS: '0',
    ...opts.settings,
  };

  // The server sees exactly these settings: none of Consentry's variables leak in from this shell.
  const configNames = new Set(describeConfig().map((o) => o.name));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !configNames.has(name)));
  const nodeFlags = [
    ...npmStartNodeFlags(),
    ...(opts.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfileDir}`] : []),
  ];
  // The default start (`npm start`): bin/consentry.js runs the fresh build, compiled JavaScript, no tsx.
  // Every node answers for the one issuer (as behind a load balancer); the first migrates alone.
  const startNode = (port: number) =>
    spawn(process.execPath, [...nodeFlags, 'bin/consentry.js', 'start'], {
      cwd: REPO_ROOT,
      env: { ...inherited, ...settings, PORT: String(port) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  const children: ChildProcess[] = [startNode(ports[0]!)];
  const child = children[0]!;
  const guards = [onParentExit(child, removeDir)];
  let kernel: Kernel | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    const results = await Promise.allSettled([kernel?.close(), ...children.map((c) => stopChild(c))]);
    for (const guard of guards) guard.release();
    removeDir();
    results.push(...(await Promise.allSettled([postgres?.drop()])));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };

  try {
    await waitUntilReady(url, child);
    for (const port of ports.slice(1)) {
      const node = startNode(port);
      children.push(node);
      guards.push(onParentExit(node));
      await waitUntilReady(`http://127.0.0.1:${port}`, node);
    }
    // Second handle on the same file: migrations are already applied and the keys exist (the
    // server made them), so this only opens the database and loads what is there.
    const config = loadConfig(settings);
    kernel = await createKernel(config);
    // Registers the scopes (the served products' definitions) on this handle's registry; the
    // bench then mints codes through the authorization server's own internals.
    await createAuthorizationServer(kernel, {
      products: (await servedProducts(config)).map((p) => p.definition(config)),
    });
    const ctx = await createOAuthContext(kernel);
    const { client, secret } = await ctx.clientService.create({
      name: 'bench',
      type: 'confidential',
      redirectUris: [REDIRECT_URI],
      allowedScopes: ['openid', 'offline_access', 'read:bookings', ...(opts.platformScopes ?? [])],
    });
    if (!secret) throw new Error('a confidential client came back without a secret');
    const keyPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = 'bench-key-client';
    const { client: keyed } = await ctx.clientService.create({
      name: 'bench private_key_jwt',
      type: 'confidential',
      redirectUris: [],
      grantTypes: ['client_credentials'],
      allowedScopes: ['read:bookings'],
      defaultScopes: ['read:bookings'],
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [{ ...keyPair.publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] },
    });
    const keyClient: KeyClient = { clientId: keyed.id, privateKey: keyPair.privateKey, kid, audience: url };
    const accounts = createAccounts({
      db: ctx.database.db,
      config,
      clock: ctx.clock,
      log: pino({ level: 'warn' }),
      csrf: new Csrf(ctx.secretKey, false),
    });
    const user = await accounts.users.create({ email: 'bench@example.com' });
    await accounts.close();
    const grants = new GrantRepository(ctx.database.db);
    const grantId = await grants.approve(newId(), user.id, client.id, SCOPES, [], ctx.clock.now());
    const platformResources = [`${url}/platform`];
    const platformGrantId = opts.platformScopes?.length
      ? await grants.approve(newId(), user.id, client.id, opts.platformScopes, platformResources, ctx.clock.now())
      : undefined;

    const discovery = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    const endpoints = {
      token: discovery.token_endpoint!,
      userinfo: discovery.userinfo_endpoint!,
      introspection: discovery.introspection_endpoint!,
      revocation: discovery.revocation_endpoint!,
    };
    const basicAuth = `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    const mintCtx = ctx;
    const authTime = ctx.clock.now(); // when "the person signed in"

    const mintCodes = async (n: number, scopes: string[], resources: string[], grant: string) => {
      const mintOne = async () => {
        const verifier = randomBytes(32).toString('base64url');
        const request: AuthorizationRequest = {
          clientId: client.id,
          redirectUri: REDIRECT_URI,
          redirectUriSent: true,
          scopes,
          resources,
          prompt: [],
          codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
          codeChallengeMethod: 'S256',
        };
        const location = await issueCodeRedirect(mintCtx, request, user.id, grant, authTime);
        const code = new URL(location).searchParams.get('code');
        if (!code) throw new Error(`issueCodeRedirect returned no code: ${location}`);
        return { code, verifier };
      };
      // MINT_CONCURRENCY at a time: one after another, PostgreSQL's round trips alone outlasted
      // the codes' 60 s on a slow host, and the first codes expired before the run.
      const out: Array<{ code: string; verifier: string }> = [];
      for (let i = 0; i < n; i += MINT_CONCURRENCY)
        out.push(...(await Promise.all(Array.from({ length: Math.min(MINT_CONCURRENCY, n - i) }, mintOne))));
      // Minting wrote tens of thousands of small commits to the WAL; copy them into the database
      // file now, so the run measures the code exchange and not a checkpoint of the minting.
      if (mintCtx.database.dialect === 'sqlite') mintCtx.database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      return out;
    };
    const mintAuthorizationCodes = (n: number) => mintCodes(n, SCOPES, [], grantId);
    const exchange = async (minted: { code: string; verifier: string }) => {
      const res = await postForm(endpoints.token, basicAuth, {
        grant_type: 'authorization_code',
        code: minted.code,
        code_verifier: minted.verifier,
        redirect_uri: REDIRECT_URI,
      });
      if (res.status !== 200) throw new Error(`Consentry code exchange failed: ${res.status} ${res.text}`);
      return JSON.parse(res.text) as { access_token: string; refresh_token?: string; id_token?: string };
    };

    const server: ConsentryUnderTest = {
      url,
      clientId: client.id,
      clientSecret: secret,
      redirectUri: REDIRECT_URI,
      basicAuth,
      endpoints,
      keyClient,
      pid: child.pid!,
      nodes: children.map((c, i) => ({ pid: c.pid!, origin: `http://127.0.0.1:${ports[i]}` })),
      codeTtlSeconds: config.AUTHORIZATION_CODE_TTL_SECONDS,
      mintAuthorizationCodes,
      async mintRefreshTokens(n) {
        const out: string[] = [];
        for (const minted of await mintAuthorizationCodes(n)) {
          const tokens = await exchange(minted);
          if (!tokens.refresh_token) throw new Error('Consentry code exchange returned no refresh_token');
          out.push(tokens.refresh_token);
        }
        return out;
      },
      async mintAccessToken() {
        const [minted] = await mintAuthorizationCodes(1);
        return (await exchange(minted!)).access_token;
      },
      async mintPlatformToken() {
        if (!platformGrantId) throw new Error('startConsentry was not given platformScopes');
        const [minted] = await mintCodes(1, opts.platformScopes!, platformResources, platformGrantId);
        return (await exchange(minted!)).access_token;
      },
      close,
    };
    await verifyConsentry(server);
    return server;
  } catch (err) {
    await close();
    throw err;
  }
}

/** A fresh database on the PostgreSQL server at `serverUrl`, and how to drop it. */
async function createBenchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const name = `consentry_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Polls /readyz (database reachable) until it answers 200; fails at once if the server exits. */
async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Consentry exited during start (${child.exitCode ?? child.signalCode})`);
    }
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Consentry was not ready within ${START_TIMEOUT_MS} ms`);
    await sleep(50);
  }
}

async function postForm(
  url: string,
  auth: string | undefined,
  params: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth ? { authorization: auth } : {}) },
    body: new URLSearchParams(params),
  });
  return { status: res.status, text: await res.text() };
}

/**
 * Redeems one of each artifact so a misconfigured setup fails loudly instead of benchmarking error
 * responses. (Unlike oidc-provider, reusing a just-rotated refresh token inside Consentry's
 * REFRESH_REUSE_GRACE_SECONDS returns the same successor on purpose, so that is not checked here.)
 */
export async function verifyConsentry(s: ConsentryUnderTest): Promise<void> {
  const expect = (ok: boolean, what: string, got: unknown) => {
    if (!ok)
      throw new Error(`Consentry self-check failed: ${what}: ${typeof got === 'string' ? got : JSON.stringify(got)}`);
  };
  const [minted] = await s.mintAuthorizationCodes(1);
  const codeParams = {
    grant_type: 'authorization_code',
    code: minted!.code,
    code_verifier: minted!.verifier,
    redirect_uri: s.redirectUri,
  };
  const exchanged = await postForm(s.endpoints.token, s.basicAuth, codeParams);
  const tokens = exchanged.status === 200 ? (JSON.parse(exchanged.text) as Record<string, unknown>) : {};
  expect(exchanged.status === 200 && !!tokens.refresh_token && !!tokens.id_token, 'code exchange', exchanged);
  const replayed = await postForm(s.endpoints.token, s.basicAuth, codeParams);
  expect(replayed.status === 400, 'code replay must fail', replayed);

  const [rt] = await s.mintRefreshTokens(1);
  const refreshed = await postForm(s.endpoints.token, s.basicAuth, { grant_type: 'refresh_token', refresh_token: rt! });
  const rotated =
    refreshed.status === 200 ? (JSON.parse(refreshed.text) as Record<string, unknown>).refresh_token : undefined;
  expect(typeof rotated === 'string' && rotated !== rt, 'refresh with rotation', refreshed);

  const at = await s.mintAccessToken();
  const ui = await fetch(s.endpoints.userinfo, { headers: { authorization: `Bearer ${at}` } });
  const claims = (await ui.json()) as Record<string, unknown>;
  expect(ui.status === 200 && typeof claims.sub === 'string', 'userinfo', claims);
  const intro = await postForm(s.endpoints.introspection, s.basicAuth, { token: at });
  expect(
    intro.status === 200 && (JSON.parse(intro.text) as Record<string, unknown>).active === true,
    'introspection',
    intro,
  );

  const cc = await postForm(s.endpoints.token, s.basicAuth, { grant_type: 'client_credentials' });
  expect(
    cc.status === 200 && typeof (JSON.parse(cc.text) as Record<string, unknown>).access_token === 'string',
    'client_credentials',
    cc,
  );

  // private_key_jwt: one assertion works, and its replay is refused (the jti check is on).
  const body = {
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: signClientAssertion(s.keyClient),
  };
  const keyed = await postForm(s.endpoints.token, undefined, body);
  expect(keyed.status === 200, 'private_key_jwt client_credentials', keyed);
  const replayedAssertion = await postForm(s.endpoints.token, undefined, body);
  expect(replayedAssertion.status === 401, 'a replayed client assertion must fail', replayedAssertion);
}
