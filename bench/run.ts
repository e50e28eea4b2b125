// npm run bench: Consentry against oidc-provider 8.x measured in the same run, plus a bare Fastify
// "hello" route as the machine's ceiling; then the products' own benchmarks (bench/scheduling.ts,
// bench/scheduling-pages.ts, bench/connect-pages.ts, bench/portfolio.ts, bench/exchange-sync.ts, bench/wallet-sync.ts, each with its settings at its top). Each server is its own child process; autocannon runs
// here, 32 connections on loopback, BENCH_SECONDS (default 5) per scenario and server. oidc-provider
// starts afresh before each scenario (it keeps every token in its memory); Consentry runs throughout.
//
//   BENCH_SECONDS=5            seconds per measured run
//   BENCH_ROUNDS=3             runs per scenario and server, alternating which server goes first;
//                              the median run of each is reported (a shared host is noisy)
//   BENCH_CONNECTIONS=32       concurrent connections of the load
//   BENCH_WARMUP_SECONDS=1     unmeasured refresh load on each server first (0: none)
//   BENCH_SCENARIOS=refresh,code   only these (hello, refresh, refresh_plain, refresh_dpop, code, client_credentials, private_key_jwt,
//                              introspection, userinfo, and the products' own: scheduling, scheduling-pages, connect-pages, portfolio,
//                              exchange, wallet); unset: all of them
//   BENCH_CPU_PROFILE_DIR=dir  start Consentry with node --cpu-prof; the profile lands in dir when it stops
//   BENCH_DATABASE_URL=postgres://…  run Consentry on PostgreSQL (a database of its own, dropped after)
//                              instead of a SQLite file; the table then adds the database's CPU per
//                              request (its processes on this host) and the WAL it wrote per request
//   BENCH_NODES=1              Consentry processes sharing that database; the load is spread over them
//                              (connections split evenly), their rates summed and their CPU added up
//   BENCH_SETTINGS=MEMORY_MODE=fast,…  Consentry settings for its nodes (the shell's own never reach them)
//   BENCH_NODE_FLAGS="--max-semi-space-size=4"  Node flags for Consentry's nodes instead of those
//                              package.json's start script gives (an experiment: `npm start` is the default)
//   BENCH_BASELINE_JWT_ACCESS_TOKENS=1  oidc-provider issues every grant's access tokens as ES256 JWTs
//                              (RFC 9068), as Consentry must, instead of its default opaque ones
//
// Exit code 0 when every run is clean even if a target is missed (this is a measurement); 1 when any
// run had non-2xx responses or socket errors, which is a bug to fix, not a number to report.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import {
  benchSeconds,
  formatTable,
  measure,
  sampleCpuUs,
  sampleMainThreadCpuUs,
  postgresCpuUsBetween,
  samplePostgresCpuUs,
  sampleRssMb,
  type ConnectionScript,
  type LoadResult,
  type MeasureOptions,
} from './load.ts';
import { startOidcProviderBaseline, type OidcProviderBaseline } from './oidc-provider-baseline.ts';
import { startConsentry, type ConsentryUnderTest } from './consentry-server.ts';
import { startHelloCeiling, type HelloCeiling } from './hello-ceiling.ts';
import { summarizeCpuProfile } from './cpu-profile-summary.ts';
import { runSchedulingBench } from './scheduling.ts';
import { runSchedulingPagesBench } from './scheduling-pages.ts';
import { runConnectPagesBench } from './connect-pages.ts';
import { runPortfolioBench } from './portfolio.ts';
import { runExchangeBench } from './exchange-sync.ts';
import { runWalletBench } from './wallet-sync.ts';
import { dpopProof, fetchDpopNonce, newDpopKey } from './dpop-proofs.ts';
import { clientCredentialsBodies } from './client-assertions.ts';

const SECONDS = benchSeconds();
const CONNECTIONS = Math.max(1, Math.round(envNumber('BENCH_CONNECTIONS', 32)));
const WARMUP_SECONDS = envNumber('BENCH_WARMUP_SECONDS', 1);
const ROUNDS = Math.max(1, Math.round(envNumber('BENCH_ROUNDS', 3)));
const RATIO_TARGET = 1.5;
const DPOP_RATIO_TARGET = 2; // issue #16's target for the token endpoint with DPoP
const RSS_TARGET_MB = 250; // decimal megabytes, as the issue says; RSS is measured in MiB
const PEAK_RSS_TARGET_MB = 200; // issue #15: the peak over every scenario, on the default `npm start`
const IDLE_RSS_TARGET_MB = 120; // issue #15: after start, before any load
const MIB_TO_MB = 2 ** 20 / 1e6;
const RSS_SAMPLE_MS = 250;
const POSTGRES_URL = process.env.BENCH_DATABASE_URL?.startsWith('postgres')
  ? process.env.BENCH_DATABASE_URL
  : undefined;
const NODES = Math.max(1, Math.round(envNumber('BENCH_NODES', 1)));
const BASELINE_JWT_ACCESS_TOKENS = process.env.BENCH_BASELINE_JWT_ACCESS_TOKENS === '1';
const FORM = 'application/x-www-form-urlencoded';
const ALL_SCENARIOS = [
  'hello',
  'refresh',
  'refresh_plain',
  'refresh_dpop',
  'code',
  'client_credentials',
  'private_key_jwt',
  'introspection',
  'userinfo',
] as const;
/** Issue #16's target for private_key_jwt client credentials. */
const KEY_AUTH_RATIO_TARGET = 2;
type ScenarioKey = (typeof ALL_SCENARIOS)[number];
/** Issue #15's target, and the scenarios it names: rotating refresh with and without `openid`, code exchange, client credentials, introspection, UserInfo. */
const EVERY_ENDPOINT_RATIO_TARGET = 2;
const EVERY_TOKEN_ENDPOINT: readonly ScenarioKey[] = [
  'refresh',
  'refresh_plain',
  'code',
  'client_credentials',
  'introspection',
  'userinfo',
];
const PRODUCT_BENCHES = ['scheduling', 'scheduling-pages', 'connect-pages', 'portfolio', 'exchange', 'wallet'] as const;
type ProductBench = (typeof PRODUCT_BENCHES)[number];

/** What a scenario needs from a server: the baseline's shape, which Consentry's launcher mirrors. */
type Server = Pick<
  OidcProviderBaseline,
  | 'basicAuth'
  | 'redirectUri'
  | 'endpoints'
  | 'keyClient'
  | 'pid'
  | 'mintAuthorizationCodes'
  | 'mintRefreshTokens'
  | 'mintAccessToken'
> & { nodes?: Array<{ pid: number; origin: string }> };
type Side = 'consentry' | 'oidc-provider';

/** One prepared load: the target, a script per connection, and a check for the bench's own mistakes. */
interface Load {
  url: string;
  method: NonNullable<MeasureOptions['method']>;
  headers: Record<string, string>;
  script: (connection: number) => ConnectionScript;
  /** After the run: a problem of the setup (e.g. ran out of codes), or undefined. */
  check?: () => string | undefined;
}

interface Run extends LoadResult {
  peakRssMb: number;
  /** The server's CPU time (all its threads) per answered request: the cost a busy host cannot hide. */
  cpuUsPerRequest: number;
  /** Of that, the main threads' (the event loop: JavaScript, parsing, SQLite calls), without the workers and V8's helpers. */
  loopUsPerRequest: number;
  /** This process's CPU (autocannon's) per request: on a 2-core host it is taken from the server's share. */
  loadCpuUsPerRequest: number;
  /**
   * On PostgreSQL (BENCH_DATABASE_URL): its processes' CPU per request, when it runs on this host,
   * and the WAL it wrote per request. Both are the whole database server's, whoever asked.
   */
  dbCpuUsPerRequest?: number;
  walBytesPerRequest?: number;
  firstFailure?: { status: number; body: string };
  problem?: string;
}

interface Scenario {
  key: Exclude<ScenarioKey, 'hello'>;
  name: string;
  prepare(server: Server, side: Side): Promise<Load>;
}

const tokenHeaders = (s: Server) => ({ authorization: s.basicAuth, 'content-type': FORM });
const fixed = (body?: string, headers?: Record<string, string>): ConnectionScript => ({
  next: () => ({ ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) }),
  constant: true,
});
const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** A successful refresh's answer, as far as the scenarios look at it. */
interface RefreshAnswer {
  refresh_token: string;
  token_type?: string;
  id_token?: string;
}

/**
 * Refresh tokens rotate, so each connection owns one chain and sends the refresh_token of each
 * response next. `extra` joins every request's form (a narrowed `scope`); `onAnswer` sees each
 * successful answer (a scenario's own check).
 */
function refreshChain(
  first: string,
  { extra = {}, onAnswer }: { extra?: Record<string, string>; onAnswer?: (answer: RefreshAnswer) => void } = {},
): ConnectionScript {
  let token = first;
  return {
    next: () => ({ body: form({ grant_type: 'refresh_token', refresh_token: token, ...extra }) }),
    onResponse: (status, body) => {
      if (status !== 200) return;
      const answer = JSON.parse(body) as RefreshAnswer;
      token = answer.refresh_token;
      onAnswer?.(answer);
    },
  };
}

/** Each side's best refresh rate so far (warm-up, then every round): sizes the DPoP proofs and codes made ahead. */
const refreshRps: Partial<Record<Side, number>> = {};
const clientCredentialsRps: Partial<Record<Side, number>> = {};
const notes: string[] = [];

const SCENARIOS: Scenario[] = [
  {
    key: 'refresh',
    name: 'refresh_token (rotating)',
    async prepare(s) {
      const tokens = await s.mintRefreshTokens(CONNECTIONS);
      return {
        url: s.endpoints.token,
        method: 'POST',
        headers: tokenHeaders(s),
        script: (i) => refreshChain(tokens[i]!),
      };
    },
  },
  {
    key: 'refresh_plain',
    name: 'refresh_token without openid (rotating)',
    async prepare(s) {
      // The same chains, each refresh narrowed to offline_access (RFC 6749 §6): no ID token is
      // signed on either side, so Consentry signs one JWT (the access token) and oidc-provider none
      // (one too with BENCH_BASELINE_JWT_ACCESS_TOKENS=1).
      const tokens = await s.mintRefreshTokens(CONNECTIONS);
      let withIdToken = 0;
      return {
        url: s.endpoints.token,
        method: 'POST',
        headers: tokenHeaders(s),
        script: (i) =>
          refreshChain(tokens[i]!, {
            extra: { scope: 'offline_access' },
            onAnswer: (answer) => void (answer.id_token && withIdToken++),
          }),
        check: () =>
          withIdToken > 0 ? `${withIdToken} answers to a refresh without openid carried an ID token` : undefined,
      };
    },
  },
  {
    key: 'refresh_dpop',
    name: 'refresh_token with DPoP (rotating)',
    async prepare(s, side) {
      // Each request carries a fresh ES256 proof with the server's nonce (both servers require one
      // here), signed before the run: enough for this server's plain refresh rate, 1.5x over.
      const key = newDpopKey();
      const nonce = await fetchDpopNonce(s.endpoints.token, s.basicAuth, key);
      const need = Math.ceil(Math.max(refreshRps[side] ?? 5_000, 2_000) * (SECONDS + 1) * 1.5);
      const started = performance.now();
      const proofs = Array.from({ length: need }, () => dpopProof(key, s.endpoints.token, nonce));
      notes.push(
        `${side} refresh_dpop: signed ${need} proofs in ${((performance.now() - started) / 1000).toFixed(1)} s before the run`,
      );
      if (SECONDS > 45)
        notes.push(`  warning: Consentry refuses proofs whose iat is over 60 s old; runs over 45 s will see some`);
      const tokens = await s.mintRefreshTokens(CONNECTIONS);
      let next = 0;
      let unbound = 0;
      return {
        url: s.endpoints.token,
        method: 'POST',
        headers: tokenHeaders(s),
        script: (i) => {
          const chain = refreshChain(tokens[i]!, {
            onAnswer: (answer) => void (answer.token_type !== 'DPoP' && unbound++),
          });
          return {
            // Past the end the last proof is resent on purpose: it is a replay and shows as non-2xx.
            next: () => ({ ...chain.next(), headers: { dpop: proofs[Math.min(next++, proofs.length - 1)]! } }),
            onResponse: chain.onResponse!,
          };
        },
        check: () =>
          next > proofs.length
            ? `ran out of proofs: ${next} requests for ${proofs.length} proofs (a bench sizing problem, not a server bug)`
            : unbound > 0
              ? `${unbound} answers to a refresh with a DPoP proof had another token_type than DPoP`
              : undefined,
      };
    },
  },
  {
    key: 'code',
    name: 'authorization_code (PKCE)',
    async prepare(s, side) {
      // Every request redeems a fresh code, and codes live 60 s: mint right before the run, sized from
      // this server's refresh rate with a 4x margin (a code exchange can outrun a refresh, which
      // also writes the rotation).
      const rate = Math.max(refreshRps[side] ?? 5_000, 3_000);
      const need = Math.ceil(rate * (SECONDS + 1) * 4);
      const started = performance.now();
      const codes = await s.mintAuthorizationCodes(need);
      const mintSeconds = (performance.now() - started) / 1000;
      const ttl = 'codeTtlSeconds' in s ? (s as ConsentryUnderTest).codeTtlSeconds : 60;
      notes.push(
        `${side} authorization_code: minted ${need} codes in ${mintSeconds.toFixed(1)} s (code TTL ${ttl} s, run ${SECONDS} s)`,
      );
      if (mintSeconds + SECONDS + 2 > ttl)
        notes.push(`  warning: minting plus the run exceed the ${ttl} s code lifetime; expect expired codes`);
      let next = 0;
      return {
        url: s.endpoints.token,
        method: 'POST',
        headers: tokenHeaders(s),
        script: () => ({
          next: () => {
            // Past the end the last code is resent on purpose: it fails and shows as non-2xx.
            const c = codes[Math.min(next++, codes.length - 1)]!;
            return {
              body: form({
                grant_type: 'authorization_code',
                code: c.code,
                code_verifier: c.verifier,
                redirect_uri: s.redirectUri,
              }),
            };
          },
        }),
        check: () =>
          next > codes.length
            ? `ran out of codes: ${next} requests for ${codes.length} codes (a bench sizing problem, not a server bug)`
            : undefined,
      };
    },
  },
  {
    key: 'client_credentials',
    name: 'client_credentials',
    async prepare(s) {
      return {
        url: s.endpoints.token,
        method: 'POST',
        headers: tokenHeaders(s),
        script: () => fixed('grant_type=client_credentials'),
      };
    },
  },
  {
    key: 'private_key_jwt',
    name: 'client_credentials (private_key_jwt)',
    async prepare(s, side) {
      // Each assertion's jti is good once on both servers: sign a fresh one per request ahead of the
      // run (the signing is not measured), sized from the plain client_credentials rate with a margin.
      const rate = Math.max(clientCredentialsRps[side] ?? 4_000, 2_000);
      const need = Math.ceil(rate * (SECONDS + 1) * 2);
      const started = performance.now();
      const bodies = clientCredentialsBodies(s.keyClient, need);
      notes.push(
        `${side} private_key_jwt: signed ${need} ES256 assertions in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      let next = 0;
      return {
        url: s.endpoints.token,
        method: 'POST',
        headers: { 'content-type': FORM },
        script: () => ({ next: () => ({ body: bodies[Math.min(next++, bodies.length - 1)]! }) }),
        check: () =>
          next > bodies.length
            ? `ran out of assertions: ${next} requests for ${bodies.length} (a bench sizing problem, not a server bug)`
            : undefined,
      };
    },
  },
  {
    key: 'introspection',
    name: 'introspection (access token)',
    async prepare(s) {
      const token = await s.mintAccessToken();
      return {
        url: s.endpoints.introspection,
        method: 'POST',
        headers: tokenHeaders(s),
        script: () => fixed(form({ token })),
      };
    },
  },
  {
    key: 'userinfo',
    name: 'userinfo (GET, Bearer)',
    async prepare(s) {
      const token = await s.mintAccessToken();
      return {
        url: s.endpoints.userinfo,
        method: 'GET',
        headers: { authorization: `Bearer ${token}` },
        script: () => fixed(),
      };
    },
  },
];

/** The processes a load runs against: one server, or every node of a Consentry cluster. */
type Target = Pick<Server, 'pid' | 'nodes'>;

/**
 * One autocannon run against a server, sampling its RSS every 250 ms for the peak. Against several
 * nodes the connections are split evenly, each share aimed at its node (same path, that node's
 * origin), and the results combined: rates and counts added, the worst node's latencies, the
 * highest peak RSS of any node, and CPU of all nodes per request.
 */
async function runLoad(name: string, target: Target, load: Load, duration: number): Promise<Run> {
  const nodes = target.nodes && target.nodes.length > 1 ? target.nodes : [{ pid: target.pid, origin: '' }];
  const pids = nodes.map((n) => n.pid);
  let peak = Math.max(...pids.map((pid) => sampleRssMb(pid)));
  const cpuBefore = pids.reduce((sum, pid) => sum + sampleCpuUs(pid), 0);
  const loopBefore = pids.reduce((sum, pid) => sum + sampleMainThreadCpuUs(pid), 0);
  const loadCpuBefore = process.cpuUsage();
  const dbBefore = POSTGRES_URL ? await readDatabase(POSTGRES_URL) : undefined;
  const sample = () => {
    for (const pid of pids)
      try {
        peak = Math.max(peak, sampleRssMb(pid));
      } catch {
        // the server is gone; the run reports the errors
      }
  };
  let firstFailure: Run['firstFailure'];
  const watched = (script: ConnectionScript): ConnectionScript => ({
    next: () => script.next(),
    ...(script.constant ? { constant: true } : {}),
    onResponse: (status, body) => {
      if ((status < 200 || status > 299) && !firstFailure) firstFailure = { status, body: body.slice(0, 2000) };
      script.onResponse?.(status, body);
    },
  });
  const timer = setInterval(sample, RSS_SAMPLE_MS);
  try {
    // CONNECTIONS in all, the remainder going to the first nodes; connection numbers stay unique.
    const shares = nodes.map(
      (_, n) => Math.floor(CONNECTIONS / nodes.length) + (n < CONNECTIONS % nodes.length ? 1 : 0),
    );
    const firsts = shares.map((_, n) => shares.slice(0, n).reduce((a, b) => a + b, 0));
    const results = await Promise.all(
      nodes.map((node, n) => {
        const url = node.origin ? `${node.origin}${new URL(load.url).pathname}` : load.url;
        return measure(nodes.length > 1 ? `${name} (node ${n + 1})` : name, {
          url,
          method: load.method,
          headers: load.headers,
          duration,
          connections: shares[n]!,
          // Each connection owns its own refresh chain, so numbers must not repeat across nodes.
          perConnection: (i) => watched(load.script(firsts[n]! + i)),
        });
      }),
    );
    sample();
    const result = results.reduce((sum, r) => ({
      ...sum,
      requests: sum.requests + r.requests,
      rps: sum.rps + r.rps,
      p50: Math.max(sum.p50, r.p50),
      p99: Math.max(sum.p99, r.p99),
      errors: sum.errors + r.errors,
      non2xx: sum.non2xx + r.non2xx,
    }));
    const cpuAfter = pids.reduce((sum, pid) => sum + sampleCpuUs(pid), 0);
    const cpuUsPerRequest = Math.round((cpuAfter - cpuBefore) / Math.max(1, result.requests));
    const loopAfter = pids.reduce((sum, pid) => sum + sampleMainThreadCpuUs(pid), 0);
    const loopUsPerRequest = Math.round((loopAfter - loopBefore) / Math.max(1, result.requests));
    const loadCpu = process.cpuUsage(loadCpuBefore);
    const loadCpuUsPerRequest = Math.round((loadCpu.user + loadCpu.system) / Math.max(1, result.requests));
    const problem = load.check?.();
    const dbAfter = POSTGRES_URL ? await readDatabase(POSTGRES_URL) : undefined;
    const perRequest = (amount: number) => Math.round(amount / Math.max(1, result.requests));
    const dbCpuUsPerRequest =
      dbBefore && dbAfter && dbAfter.cpuUs.size > 0
        ? perRequest(postgresCpuUsBetween(dbBefore.cpuUs, dbAfter.cpuUs))
        : undefined;
    const walBytesPerRequest = dbBefore && dbAfter ? perRequest(dbAfter.walBytes - dbBefore.walBytes) : undefined;
    return {
      ...result,
      peakRssMb: peak,
      cpuUsPerRequest,
      loopUsPerRequest,
      loadCpuUsPerRequest,
      ...(dbCpuUsPerRequest !== undefined ? { dbCpuUsPerRequest } : {}),
      ...(walBytesPerRequest !== undefined ? { walBytesPerRequest } : {}),
      ...(firstFailure ? { firstFailure } : {}),
      ...(problem ? { problem } : {}),
    };
  } finally {
    clearInterval(timer);
  }
}

/** How much the PostgreSQL server has done so far: its processes' CPU here (µs), and the WAL it wrote (bytes). */
interface DatabaseReading {
  /** By process id; empty when the database runs on another host. */
  cpuUs: Map<number, number>;
  walBytes: number;
}

/** One connection for the readings, opened at the first and ended by `endDatabaseReadings`. */
let readingClient: Promise<pg.Client> | undefined;

async function readDatabase(url: string): Promise<DatabaseReading> {
  readingClient ??= (async () => {
    const { default: pgModule } = await import('pg');
    const client = new pgModule.Client({ connectionString: url, application_name: 'consentry-bench-readings' });
    await client.connect();
    return client;
  })();
  const { rows } = await (
    await readingClient
  ).query<{ wal: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS wal`);
  return { cpuUs: samplePostgresCpuUs(), walBytes: Number(rows[0]!.wal) };
}

async function endDatabaseReadings(): Promise<void> {
  const client = readingClient;
  readingClient = undefined;
  if (client) await (await client).end();
}

/** The database's columns of a table row: only when the bench runs on PostgreSQL. */
function databaseColumns(r: Run | undefined): Record<string, number | null> {
  if (!POSTGRES_URL) return {};
  return { 'db CPU µs/req': r?.dbCpuUsPerRequest ?? null, 'WAL bytes/req': r?.walBytesPerRequest ?? null };
}

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = Number(raw);
  return raw !== undefined && raw !== '' && Number.isFinite(n) && n >= 0 ? n : fallback;
}

function selectedScenarios(): { oauth: Set<ScenarioKey>; products: Set<ProductBench> } {
  const raw = process.env.BENCH_SCENARIOS?.trim();
  if (!raw) return { oauth: new Set(ALL_SCENARIOS), products: new Set(PRODUCT_BENCHES) };
  const keys = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known: readonly string[] = [...ALL_SCENARIOS, ...PRODUCT_BENCHES];
  const unknown = keys.filter((k) => !known.includes(k));
  if (unknown.length) throw new Error(`BENCH_SCENARIOS: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return {
    oauth: new Set(ALL_SCENARIOS.filter((k) => keys.includes(k))),
    products: new Set(PRODUCT_BENCHES.filter((k) => keys.includes(k))),
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
/** The run with the median throughput (its own latencies go with it). */
const medianRun = (runs: Run[]): Run => ({
  ...[...runs].sort((a, b) => a.rps - b.rps)[Math.floor((runs.length - 1) / 2)]!,
});
const isClean = (r: Run) => r.non2xx === 0 && r.errors === 0 && !r.problem;

function oidcProviderVersion(): string {
  const file = fileURLToPath(new URL('../node_modules/oidc-provider/package.json', import.meta.url));
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** The OAuth scenarios against both servers; answers the runs that were not clean. */
async function runOAuthBenches(selected: Set<ScenarioKey>): Promise<string[]> {
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR ? resolve(process.env.BENCH_CPU_PROFILE_DIR) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const running: Array<{ close(): Promise<void> }> = [];
  const rows: Array<Record<string, string | number | null>> = [];
  const failures: string[] = [];
  const consentryPeaks: Array<{ scenario: ScenarioKey; mb: number }> = [];
  let idleRssMb = 0;
  const ratios: Partial<Record<ScenarioKey, { c: number; op: number; ratio: number }>> = {};
  let consentryUrl = '';
  let consentryPid = 0;

  const report = (side: string, scenario: string, r: Run) => {
    if (isClean(r)) return;
    failures.push(`${side} / ${scenario}: ${r.non2xx} non-2xx, ${r.errors} errors${r.problem ? `; ${r.problem}` : ''}`);
    if (r.firstFailure) failures.push(`  first failing response: HTTP ${r.firstFailure.status} ${r.firstFailure.body}`);
  };

  try {
    const hello: HelloCeiling | undefined = selected.has('hello') ? await startHelloCeiling() : undefined;
    if (hello) running.push(hello);
    const consentry = await startConsentry({
      ...(profileDir ? { cpuProfileDir: profileDir } : {}),
      ...(POSTGRES_URL ? { postgresUrl: POSTGRES_URL } : {}),
      nodes: NODES,
      settings: benchSettings(),
    });
    running.push(consentry);
    consentryUrl = consentry.url;
    consentryPid = consentry.pid;
    const startBaseline = () =>
      startOidcProviderBaseline({ idTokenAlg: 'ES256', jwtAccessTokens: BASELINE_JWT_ACCESS_TOKENS }); // Consentry signs ES256
    let baseline = await startBaseline();
    running.push({ close: () => baseline.close() });
    const sides: Array<[Side, Server]> = [
      ['consentry', consentry],
      ['oidc-provider', baseline],
    ];
    idleRssMb = sampleRssMb(consentry.pid);
    notes.push(
      `RSS after start, before any load: consentry ${idleRssMb} MiB, oidc-provider ${sampleRssMb(baseline.pid)} MiB${hello ? `, hello ${sampleRssMb(hello.pid)} MiB` : ''}`,
    );

    const warmUp = async (side: Side, server: Server) => {
      const refresh = SCENARIOS.find((s) => s.key === 'refresh')!;
      const warm = await runLoad(`warm-up ${side}`, server, await refresh.prepare(server, side), WARMUP_SECONDS);
      refreshRps[side] = Math.max(refreshRps[side] ?? 0, warm.rps);
      console.error(`warm-up ${side}: ${warm.rps} rps of refresh_token for ${WARMUP_SECONDS} s (not reported)`);
    };
    if (WARMUP_SECONDS > 0) {
      for (const [side, server] of sides) await warmUp(side, server);
      if (hello)
        await runLoad(
          'warm-up hello',
          hello,
          { url: hello.url, method: 'GET', headers: {}, script: () => fixed() },
          WARMUP_SECONDS,
        );
    }

    if (hello) {
      const r = await runLoad(
        'hello',
        hello,
        { url: hello.url, method: 'GET', headers: {}, script: () => fixed() },
        SECONDS,
      );
      console.error(`hello: ${r.rps} rps`);
      report('fastify hello', 'hello', r);
      rows.push({
        scenario: 'hello (bare Fastify: ceiling)',
        server: 'fastify',
        rps: r.rps,
        'p50 ms': r.p50,
        'p99 ms': r.p99,
        'oidc-provider rps': null,
        'op p50 ms': null,
        'op p99 ms': null,
        ratio: null,
        non2xx: r.non2xx,
        'op non2xx': null,
        errors: r.errors,
        'op errors': null,
        'peak RSS MiB': r.peakRssMb,
        'op peak RSS MiB': null,
        'CPU µs/req': r.cpuUsPerRequest,
        'op CPU µs/req': null,
        'loop µs/req': r.loopUsPerRequest,
        'op loop µs/req': null,
        ...databaseColumns(undefined),
      });
    }

    let firstScenario = true;
    for (const scenario of SCENARIOS.filter((s) => selected.has(s.key))) {
      // oidc-provider keeps every token in its own memory (the Map adapter above it): over a whole
      // bench it grew past 2 GB, and its later scenarios slowed with it (introspection from ~170 to
      // 259 µs CPU per request). So each scenario meets a fresh one, warmed up like the first.
      // Consentry keeps running: what it stores lives in its database, and its heap stays bounded.
      if (!firstScenario) {
        await baseline.close();
        baseline = await startBaseline();
        sides[1] = ['oidc-provider', baseline];
        if (WARMUP_SECONDS > 0) await warmUp('oidc-provider', baseline);
      }
      firstScenario = false;
      const runs: Record<Side, Run[]> = { consentry: [], 'oidc-provider': [] };
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which server goes first, so a slow spell of the host falls on both alike.
        for (const [side, server] of round % 2 === 0 ? sides : [...sides].reverse()) {
          const load = await scenario.prepare(server, side);
          const r = await runLoad(`${side} ${scenario.name}`, server, load, SECONDS);
          runs[side].push(r);
          if (scenario.key === 'refresh') refreshRps[side] = Math.max(refreshRps[side] ?? 0, r.rps);
          if (scenario.key === 'client_credentials') clientCredentialsRps[side] = r.rps;
          console.error(
            `${side} ${scenario.name} (round ${round + 1}/${ROUNDS}): ${r.rps} rps, ${r.cpuUsPerRequest} µs CPU/req, ${r.loopUsPerRequest} of it the event loop's (load generator ${r.loadCpuUsPerRequest})${r.dbCpuUsPerRequest !== undefined ? `; PostgreSQL ${r.dbCpuUsPerRequest} µs CPU/req` : ''}${r.walBytesPerRequest !== undefined ? `, ${r.walBytesPerRequest} bytes of WAL/req` : ''}${isClean(r) ? '' : `, ${r.non2xx} non-2xx, ${r.errors} errors`}`,
          );
          report(side, scenario.name, r);
        }
      }
      if (ROUNDS > 1) {
        const perRound = runs.consentry.map(
          (r, i) =>
            `${r.rps}/${runs['oidc-provider'][i]!.rps} = ${round2(r.rps / Math.max(1, runs['oidc-provider'][i]!.rps))}x`,
        );
        notes.push(`${scenario.key}: consentry/oidc-provider rps per round: ${perRound.join(', ')}`);
      }
      const results = { consentry: medianRun(runs.consentry), 'oidc-provider': medianRun(runs['oidc-provider']) };
      const peakOf = (side: Side) => Math.max(...runs[side].map((r) => r.peakRssMb));
      results.consentry.peakRssMb = peakOf('consentry');
      results['oidc-provider'].peakRssMb = peakOf('oidc-provider');
      const c = results.consentry;
      const op = results['oidc-provider'];
      const ratio = op.rps > 0 ? round2(c.rps / op.rps) : 0;
      ratios[scenario.key] = { c: c.rps, op: op.rps, ratio };
      consentryPeaks.push({ scenario: scenario.key, mb: c.peakRssMb * MIB_TO_MB });
      rows.push({
        scenario: scenario.name,
        server: 'consentry',
        rps: c.rps,
        'p50 ms': c.p50,
        'p99 ms': c.p99,
        'oidc-provider rps': op.rps,
        'op p50 ms': op.p50,
        'op p99 ms': op.p99,
        ratio,
        non2xx: c.non2xx,
        'op non2xx': op.non2xx,
        errors: c.errors,
        'op errors': op.errors,
        'peak RSS MiB': c.peakRssMb,
        'op peak RSS MiB': op.peakRssMb,
        'CPU µs/req': c.cpuUsPerRequest,
        'op CPU µs/req': op.cpuUsPerRequest,
        'loop µs/req': c.loopUsPerRequest,
        'op loop µs/req': op.loopUsPerRequest,
        ...databaseColumns(c),
      });
    }
  } finally {
    const closed = await Promise.allSettled([...running.reverse().map((s) => s.close()), endDatabaseReadings()]);
    for (const c of closed)
      if (c.status === 'rejected')
        console.error(`cleanup: ${c.reason instanceof Error ? c.reason.message : String(c.reason)}`);
  }

  console.log('');
  console.log(
    `Consentry ${consentryUrl} (${POSTGRES_URL ? 'PostgreSQL' : 'durable SQLite file, WAL'}${NODES > 1 ? `, ${NODES} nodes, load split evenly; CPU of all nodes together, RSS of the largest` : ''}) vs oidc-provider ${oidcProviderVersion()} (in-memory adapter), ID tokens ES256 on both${BASELINE_JWT_ACCESS_TOKENS ? '; access tokens ES256 JWTs on both' : ''}`,
  );
  console.log(
    `${SECONDS} s per run, ${ROUNDS} run(s) per scenario and server (median reported), ${CONNECTIONS} connections, loopback; each server in its own process, oidc-provider a fresh one per scenario; node ${process.version}, ${cpus().length} CPUs`,
  );
  console.log(
    'ratio = consentry rps / oidc-provider rps; "op" columns = oidc-provider; RSS = peak of the server process during the run;',
  );
  console.log('CPU µs/req = server process CPU time (user + system, every thread) over the run / requests answered;');
  console.log(
    "loop µs/req = the same for the main thread alone (the event loop), which bounds a server's rate when it is busy all the time",
  );
  if (POSTGRES_URL)
    console.log(
      "db CPU µs/req = CPU of this host's PostgreSQL processes over Consentry's run / its requests (the whole server's, on the same cores); WAL bytes/req = the WAL it wrote over the run / requests",
    );
  console.log('');
  console.log(formatTable(rows));
  if (notes.length) console.log(['', ...notes].join('\n'));

  console.log('');
  const verdict = (ok: boolean) => (ok ? 'MET    ' : 'NOT MET');
  for (const [key, label, target] of [
    ['refresh', 'refresh_token', RATIO_TARGET],
    ['refresh_dpop', 'refresh_token with DPoP', DPOP_RATIO_TARGET],
    ['code', 'authorization_code', RATIO_TARGET],
  ] as const) {
    const r = ratios[key];
    if (!r) continue;
    console.log(
      `${verdict(r.ratio >= target)}  ${label} >= ${target}x oidc-provider: ${r.ratio}x (${r.c} vs ${r.op} rps)`,
    );
  }
  const keyAuth = ratios.private_key_jwt;
  if (keyAuth)
    console.log(
      `${verdict(keyAuth.ratio >= KEY_AUTH_RATIO_TARGET)}  private_key_jwt client_credentials >= ${KEY_AUTH_RATIO_TARGET}x oidc-provider: ${keyAuth.ratio}x (${keyAuth.c} vs ${keyAuth.op} rps)`,
    );
  // Issue #15: every endpoint a client or resource server calls for tokens, 2x or better.
  const measured = EVERY_TOKEN_ENDPOINT.filter((key) => ratios[key]);
  const notRun = EVERY_TOKEN_ENDPOINT.filter((key) => !ratios[key]);
  if (measured.length) {
    const short = measured.some((key) => ratios[key]!.ratio < EVERY_ENDPOINT_RATIO_TARGET);
    const label = short ? verdict(false) : notRun.length ? 'PARTIAL' : verdict(true);
    const each = measured.map((key) => `${key} ${ratios[key]!.ratio}x`).join(', ');
    console.log(
      `${label}  every token endpoint >= ${EVERY_ENDPOINT_RATIO_TARGET}x oidc-provider: ${each}${notRun.length ? ` (not run: ${notRun.join(', ')})` : ''}`,
    );
  }
  const loaded = consentryPeaks.filter((p) => p.scenario === 'refresh' || p.scenario === 'code');
  const peakAll = Math.max(...consentryPeaks.map((p) => p.mb));
  if (loaded.length) {
    const peakLoaded = Math.max(...loaded.map((p) => p.mb));
    console.log(
      `${verdict(peakLoaded < RSS_TARGET_MB)}  Consentry RSS < ${RSS_TARGET_MB} MB under refresh/code load: peak ${peakLoaded.toFixed(1)} MB (${(peakLoaded / MIB_TO_MB).toFixed(1)} MiB); peak over every scenario ${peakAll.toFixed(1)} MB`,
    );
  }
  if (consentryPeaks.length) {
    const idle = idleRssMb * MIB_TO_MB;
    console.log(
      `${verdict(peakAll < PEAK_RSS_TARGET_MB && idle < IDLE_RSS_TARGET_MB)}  Consentry RSS < ${PEAK_RSS_TARGET_MB} MB at its peak over every scenario run, < ${IDLE_RSS_TARGET_MB} MB idle: peak ${peakAll.toFixed(1)} MB (${(peakAll / MIB_TO_MB).toFixed(1)} MiB), idle ${idle.toFixed(1)} MB (${idleRssMb} MiB)${POSTGRES_URL ? ' (the targets are for the default start: one node on SQLite)' : ''}`,
    );
  }

  if (profileDir) {
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: this run's server, main thread (0) only; the
    // other thread is tsx's module loader, idle once the sources are loaded. Older files are skipped.
    const profiles = readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile') && f.split('.')[3] === String(consentryPid) && f.split('.')[4] === '0')
      .map((f) => join(profileDir, f));
    for (const file of profiles)
      console.log(`\nCPU profile of Consentry (${[...selected].join(', ')}):\n${summarizeCpuProfile(file)}`);
  }

  return failures;
}

async function main(): Promise<number> {
  const selected = selectedScenarios();
  const failures = selected.oauth.size ? await runOAuthBenches(selected.oauth) : [];

  // The products' own benchmarks (their issues name their targets).
  if (selected.products.has('scheduling')) {
    console.log('\nScheduling (SQLite file):');
    console.log(formatTable(await runSchedulingBench()));
  }
  if (selected.products.has('scheduling-pages')) {
    console.log('\nScheduling pages, one request at a time (SQLite file; target: server p95 < 20 ms):');
    console.log(formatTable(await runSchedulingPagesBench()));
  }
  if (selected.products.has('connect-pages')) {
    console.log('\nConnect widget pages, one request at a time (SQLite file; target: server p95 < 20 ms):');
    console.log(formatTable(await runConnectPagesBench()));
  }
  if (selected.products.has('portfolio')) {
    console.log('\nPortfolio (SQLite file):');
    console.log(formatTable(await runPortfolioBench()));
  }
  if (selected.products.has('exchange')) {
    console.log('\nExchange sync (Consentry in its own process, SQLite file; Binance stand-in):');
    console.log(formatTable(await runExchangeBench()));
  }
  if (selected.products.has('wallet')) {
    console.log(
      '\nWallet sync (Consentry in its own process, SQLite file; anvil nodes behind Etherscan-compatible stand-ins):',
    );
    console.log(formatTable(await runWalletBench()));
  }

  if (failures.length) {
    console.log(
      `\nFAILED: runs with non-2xx responses or errors (each is a bug to fix before the numbers mean anything):\n${failures.join('\n')}`,
    );
    return 1;
  }
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // process.exit runs the 'exit' hooks that kill every server and remove the temp dir.
  process.once(signal, () => {
    console.error(`\n${signal}: stopping`);
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);

/** BENCH_SETTINGS: `NAME=value` pairs, comma-separated, handed to every Consentry node. */
function benchSettings(): Record<string, string> {
  const pairs = (process.env.BENCH_SETTINGS ?? '').split(',').filter((pair) => pair.trim() !== '');
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`BENCH_SETTINGS: expected NAME=value, got ${pair}`);
      return [pair.slice(0, at).trim(), pair.slice(at + 1)];
    }),
  );
}
