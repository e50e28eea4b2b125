// npm run soak: three Consentry nodes on one PostgreSQL (and Redis when given) under mixed traffic
// for SOAK_SECONDS (default 600). First a short closed-loop run measures what the three nodes answer
// at most; then requests go out on a fixed schedule at SOAK_LOAD (default 0.6) of that, spread over
// the nodes: code exchanges, rotating refreshes, introspection, scheduling API reads and bookings.
// Each minute prints p50/p99 (and p99 by kind of request), errors, every node's RSS, V8 heap (in use,
// committed) and event-loop delay (p99), and the database's size; and when in the minute its
// slowest 1% were sent, with this process's own event-loop delay. At the end it checks:
// no errors, p99 of the last minute within 1.5x of the second minute's, RSS after warm-up (the first
// two minutes) grown less than 5%, and no expired row left past two janitor intervals (so the
// database stays bounded: tokens here live 60 s, refresh tokens 120 s).
//
//   TEST_DATABASE_URL or DATABASE_URL   PostgreSQL server (a fresh database is made on it, then dropped)
//   TEST_REDIS_URL or REDIS_URL         optional: the nodes share it
//   SOAK_SECONDS=600  SOAK_LOAD=0.6  SOAK_CAPACITY_SECONDS=20
//
// Exit code 0 when every check holds, 1 otherwise.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, Agent } from 'node:http';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { issueCodeRedirect } from '../src/oauth/authorization/issue-code.ts';
import type { AuthorizationRequest } from '../src/oauth/authorization/authorization-request.ts';
import { GrantRepository } from '../src/oauth/consent/grant-repository.ts';
import { createOAuthContext } from '../src/oauth/oauth-context.ts';
import { newId } from '../src/kernel/crypto/tokens.ts';
import { WEEKDAYS } from '../src/scheduling/schedules/schedule.ts';
import { schedulingServices } from '../src/scheduling/scheduling-services.ts';
import { freePort, npmStartNodeFlags, onParentExit, stopChild } from './child-process.ts';
import { sampleRssMb } from './load.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = numberFrom('SOAK_SECONDS', 600);
const LOAD = numberFrom('SOAK_LOAD', 0.6);
const CAPACITY_SECONDS = numberFrom('SOAK_CAPACITY_SECONDS', 20);
const NODES = 3;
const REDIRECT_URI = 'http://127.0.0.1/cb';
const SCOPES = ['openid', 'offline_access'];
const API_SCOPES = ['read:profile', 'read:bookings', 'write:bookings', 'read:event-types'];
const ACCESS_TTL = 60;
/** Codes live 300 s on the nodes; one older than this is thrown away unused rather than risked. */
const CODE_TTL = 300;
const CODE_USE_WITHIN_MS = (CODE_TTL - 60) * 1000;
const REFRESH_TTL = 120;
const JANITOR_SECONDS = 60;
/** Share of each kind of request in the mix. */
const MIX = { refresh: 30, code: 15, introspect: 25, read: 25, book: 5 } as const;
type Kind = keyof typeof MIX;

function numberFrom(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const base = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (!base?.startsWith('postgres')) {
  console.error('npm run soak needs PostgreSQL: set TEST_DATABASE_URL (or DATABASE_URL) to a postgres:// URL');
  process.exit(2);
}
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL;

// A fresh database for this run.
const dbName = `consentry_soak_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`create database ${dbName}`);
const dbUrl = Object.assign(new URL(base), { pathname: `/${dbName}` }).toString();
// A server with autovacuum off (a test server's setting) never reclaims dead rows, so the
// database would grow in bytes however few rows it holds: then this run vacuums once a minute,
// as autovacuum (on by default, every minute) would.
const autovacuum = (await admin.query<{ autovacuum: string }>('show autovacuum')).rows[0]!.autovacuum === 'on';

execFileSync(process.execPath, ['scripts/build.js', '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
const ports = await Promise.all(Array.from({ length: NODES }, freePort));
const issuer = `http://127.0.0.1:${ports[0]}`;
const settings: Record<string, string> = {
  NODE_ENV: 'development',
  TRY_APP: 'false',
  HOST: '127.0.0.1',
  ISSUER: issuer,
  DATABASE_URL: dbUrl,
  SECRET_KEY: randomBytes(32).toString('base64url'),
  LOG_LEVEL: 'warn',
  LOG_FORMAT: 'json',
  AUTHORIZATION_CODE_TTL_SECONDS: String(CODE_TTL),
  JANITOR_INTERVAL_SECONDS: String(JANITOR_SECONDS),
  ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
};

// One handle in this process (not listening, no jobs, no janitor) to set up and to mint codes.
const setupConfig = loadConfig({ ...settings, PORT: String(ports[0]), JANITOR_INTERVAL_SECONDS: '0' });
const setup = await buildApp(setupConfig, { logger: false });
const ctx = await createOAuthContext(setup.kernel);
const { client, secret } = await setup.oauth.clientService.create({
  name: 'soak',
  type: 'confidential',
  redirectUris: [REDIRECT_URI],
  allowedScopes: SCOPES,
  accessTokenTtl: ACCESS_TTL,
  refreshTokenTtl: REFRESH_TTL,
});
const basic = `Basic ${Buffer.from(`${client.id}:${secret!}`).toString('base64')}`;
const person = await setup.accounts.users.create({ email: 'soak@example.com', name: 'Soak' });
const grantId = await new GrantRepository(ctx.database.db).approve(
  newId(),
  person.id,
  client.id,
  SCOPES,
  [],
  Date.now(),
);
const scheduling = schedulingServices(setup.kernel, setup.oauth, setup.accounts, setup.app.log);
const [schedule] = await scheduling.schedules.list(person.id);
await scheduling.schedules.update(person.id, schedule!.id, {
  weekly: WEEKDAYS.map((day) => ({ day, start: '00:00', end: '24:00' })),
});
const eventType = await scheduling.eventTypes.create(person.id, { name: 'Soak', durations: [15] });
// The API allows 600 requests a minute per token: enough tokens for any rate this machine reaches.
const apiTokens = await Promise.all(
  Array.from(
    { length: 64 },
    async () =>
      (await setup.oauth.personalTokens.create({ userId: person.id, name: 'soak', scopes: API_SCOPES })).token,
  ),
);
const firstSlot = Math.ceil((Date.now() + 86_400_000) / 86_400_000) * 86_400_000;
let nextSlot = 0;

interface MintedCode {
  code: string;
  verifier: string;
  at: number;
}

async function mintCodes(n: number): Promise<MintedCode[]> {
  const out: MintedCode[] = [];
  for (let i = 0; i < n; i++) {
    const verifier = randomBytes(32).toString('base64url');
    const request: AuthorizationRequest = {
      clientId: client.id,
      redirectUri: REDIRECT_URI,
      redirectUriSent: true,
      scopes: SCOPES,
      resources: [],
      prompt: [],
      codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
      codeChallengeMethod: 'S256',
    };
    const location = await issueCodeRedirect(ctx, request, person.id, grantId, Date.now());
    out.push({ code: new URL(location).searchParams.get('code')!, verifier, at: Date.now() });
  }
  return out;
}

// The three nodes, as `npm start` starts them (the compiled build).
const nodes: Array<{ url: string; child: ChildProcess; agent: Agent }> = [];
for (const port of ports) {
  const child = spawn(process.execPath, [...npmStartNodeFlags(), 'bin/consentry.js', 'start'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...settings, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  onParentExit(child);
  nodes.push({ url: `http://127.0.0.1:${port}`, child, agent: new Agent({ keepAlive: true, maxSockets: 64 }) });
}
for (const node of nodes) await waitReady(node.url);
// Interrupted: stop the nodes and drop the database before leaving.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    console.error(`${signal}: stopping the nodes and dropping ${dbName}`);
    void Promise.allSettled(nodes.map((n) => stopChild(n.child, 2000)))
      .then(() => admin.query(`drop database if exists ${dbName} with (force)`))
      .finally(() => process.exit(130));
  });

interface Answer {
  status: number;
  body: string;
}

function send(nodeIndex: number, method: string, path: string, headers: Record<string, string>, body?: string) {
  const node = nodes[nodeIndex]!;
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(`${node.url}${path}`, { method, headers, agent: node.agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitReady(url: string): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} was not ready within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// What the traffic needs: codes to exchange, refresh chains (renewed before they expire), recent access tokens.
const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: basic };
const codes: MintedCode[] = [];
const chains: Array<{ token: string; since: number; busy: boolean }> = [];
const accessTokens: Array<{ token: string; at: number }> = [];
let minting: Promise<void> | undefined;

function keepCodesStocked(perSecond: number): void {
  if (minting || codes.length > perSecond * 20) return;
  minting = mintCodes(Math.ceil(perSecond * 30) + 50)
    .then((fresh) => void codes.push(...fresh))
    .finally(() => (minting = undefined));
}

function remember(answer: Answer): void {
  const tokens = JSON.parse(answer.body) as { access_token: string; refresh_token?: string };
  accessTokens.push({ token: tokens.access_token, at: Date.now() });
  if (accessTokens.length > 500) accessTokens.splice(0, accessTokens.length - 500);
  if (!tokens.refresh_token) return;
  // A new chain, or one in place of a chain old enough to expire soon.
  const stale = chains.find((c) => !c.busy && Date.now() - c.since > (REFRESH_TTL * 1000) / 2);
  if (stale) Object.assign(stale, { token: tokens.refresh_token, since: Date.now() });
  else if (chains.length < 128) chains.push({ token: tokens.refresh_token, since: Date.now(), busy: false });
}

let turn = 0;
/** Sends one request of `kind` to the next node; resolves to its status (0 when nothing could be sent). */
async function operate(kind: Kind): Promise<number> {
  const node = turn++ % NODES;
  switch (kind) {
    case 'code': {
      while (codes[0] && Date.now() - codes[0].at > CODE_USE_WITHIN_MS) codes.shift();
      const minted = codes.shift();
      if (!minted) return -1;
      const answer = await send(
        node,
        'POST',
        '/oauth/token',
        form,
        new URLSearchParams({
          grant_type: 'authorization_code',
          code: minted.code,
          code_verifier: minted.verifier,
          redirect_uri: REDIRECT_URI,
        }).toString(),
      );
      if (answer.status === 200) remember(answer);
      return answer.status;
    }
    case 'refresh': {
      const chain = chains.find((c) => !c.busy);
      if (!chain) return operate('code');
      chain.busy = true;
      try {
        const answer = await send(
          node,
          'POST',
          '/oauth/token',
          form,
          new URLSearchParams({ grant_type: 'refresh_token', refresh_token: chain.token }).toString(),
        );
        if (answer.status === 200) {
          const tokens = JSON.parse(answer.body) as { access_token: string; refresh_token: string };
          chain.token = tokens.refresh_token;
          accessTokens.push({ token: tokens.access_token, at: Date.now() });
        }
        return answer.status;
      } finally {
        chain.busy = false;
      }
    }
    case 'introspect': {
      const recent = accessTokens.filter((t) => Date.now() - t.at < ((ACCESS_TTL * 1000) / 3) * 2);
      const pick = recent[Math.floor(Math.random() * recent.length)];
      if (!pick) return operate('code');
      const answer = await send(node, 'POST', '/oauth/introspect', form, `token=${pick.token}`);
      if (answer.status === 200 && (JSON.parse(answer.body) as { active: boolean }).active !== true) return 599;
      return answer.status;
    }
    case 'read': {
      const token = apiTokens[turn % apiTokens.length]!;
      return (await send(node, 'GET', '/api/v2/bookings?limit=10', { authorization: `Bearer ${token}` })).status;
    }
    case 'book': {
      const token = apiTokens[turn % apiTokens.length]!;
      const slot = nextSlot++;
      const answer = await send(
        node,
        'POST',
        '/api/v2/bookings',
        { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        JSON.stringify({
          eventTypeId: eventType.id,
          start: new Date(firstSlot + slot * 15 * 60_000).toISOString(),
          invitee: { name: `Guest ${slot}`, email: `guest${slot}@example.com`, timezone: 'UTC' },
        }),
      );
      return answer.status;
    }
  }
}

const expected = (kind: Kind, status: number) => status === (kind === 'book' ? 201 : 200);
const kinds: Kind[] = (Object.entries(MIX) as Array<[Kind, number]>).flatMap(([kind, weight]) =>
  Array.from({ length: weight }, () => kind),
);
const nextKind = (n: number) => kinds[(n * 37) % kinds.length]!; // spread, not in blocks

interface Window {
  /** When the minute began (Date.now()), to tell when in it the slowest requests were sent. */
  startedAt: number;
  latencies: number[];
  /** When each request of `latencies` was sent, in the same order (ms into the minute). */
  sentAt: number[];
  /** The same, by kind of request: which kind the minute's slowest were. */
  byKind: Map<Kind, number[]>;
  errors: Map<string, number>;
  sent: number;
}
const newWindow = (startedAt = Date.now()): Window => ({
  startedAt,
  latencies: [],
  sentAt: [],
  byKind: new Map(),
  errors: new Map(),
  sent: 0,
});

async function timed(kind: Kind, window: Window): Promise<void> {
  const started = performance.now();
  const sentAt = Date.now() - window.startedAt;
  let status: number;
  try {
    status = await operate(kind);
  } catch (error) {
    status = 0;
    const key = `${kind} ${(error as Error).message}`;
    window.errors.set(key, (window.errors.get(key) ?? 0) + 1);
    return;
  }
  if (status === -1) return; // no code at hand yet: not a request
  window.sent++;
  const latency = performance.now() - started;
  window.latencies.push(latency);
  window.sentAt.push(sentAt);
  const ofKind = window.byKind.get(kind) ?? [];
  ofKind.push(latency);
  window.byKind.set(kind, ofKind);
  if (!expected(kind, status))
    window.errors.set(`${kind} ${status}`, (window.errors.get(`${kind} ${status}`) ?? 0) + 1);
}

// 1. Capacity: closed loop, 48 requests in flight, for CAPACITY_SECONDS (after 3 s not counted).
console.log(`three nodes on PostgreSQL${redisUrl ? ' and Redis' : ''}; measuring capacity for ${CAPACITY_SECONDS} s`);
if (!autovacuum) console.log('autovacuum is off on this server: the soak vacuums its database once a minute instead');
codes.push(...(await mintCodes(200)));
let sentTotal = 0;
async function closedLoop(seconds: number, window: Window): Promise<number> {
  const started = Date.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: 48 }, async () => {
      while (Date.now() < end) {
        keepCodesStocked(150);
        await timed(nextKind(sentTotal++), window);
      }
    }),
  );
  return window.sent / ((Date.now() - started) / 1000);
}
await closedLoop(3, newWindow());
const measured = newWindow();
const capacity = await closedLoop(CAPACITY_SECONDS, measured);
if (measured.errors.size) console.log('errors while measuring capacity:', Object.fromEntries(measured.errors));
const rate = capacity * LOAD;
console.log(
  `capacity ${capacity.toFixed(0)} requests/s; soaking at ${(LOAD * 100).toFixed(0)}%: ${rate.toFixed(0)} requests/s for ${SECONDS} s`,
);

// 2. The soak: requests leave on a fixed schedule (open loop), whatever the answers' pace.
interface NodeMetrics {
  used: number;
  committed: number;
  loopP99Ms: number;
}
interface Minute {
  minute: number;
  requests: number;
  p50: number;
  p99: number;
  errors: Record<string, number>;
  rssMb: number[];
  /** Each node's /metrics: its V8 heap (what of its RSS is JavaScript's) and event-loop delay. */
  nodeMetrics: NodeMetrics[];
  dbMb: number;
  /** Rows of the tables the janitor purges (codes, refresh tokens, families, revocations). */
  expiringRows: number;
  overdueRows: number;
  load: number;
}
const closing: Array<Promise<Minute>> = [];
const rssSamples: Array<{ at: number; mb: number[] }> = [];
const soakStart = Date.now();
let window = newWindow(soakStart);
// This process's own event loop: a request it was slow to send or to hear back from counts as slow.
const soakLoop = monitorEventLoopDelay({ resolution: 10 });
soakLoop.enable();
sentTotal = 0;
let inFlight = 0;
let maxInFlight = 0;
const pending = new Set<Promise<void>>();
const rssTimer = setInterval(
  () => rssSamples.push({ at: Date.now(), mb: nodes.map((n) => sampleRssMb(n.child.pid!)) }),
  5000,
);
console.log(
  'minute  requests  p50 ms  p99 ms  errors  RSS MiB (node 1, 2, 3)  heap used/committed MiB  DB MB  token rows  overdue  load',
);
let minuteEnd = soakStart + 60_000;
while (Date.now() < soakStart + SECONDS * 1000) {
  keepCodesStocked(rate * (MIX.code / 100) * 2);
  const due = Math.floor(((Date.now() - soakStart) / 1000) * rate);
  while (sentTotal < due) {
    const kind = nextKind(sentTotal++);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const job = timed(kind, window).finally(() => {
      inFlight--;
      pending.delete(job);
    });
    pending.add(job);
  }
  if (Date.now() >= minuteEnd || Date.now() >= soakStart + SECONDS * 1000) {
    // Reported (and vacuumed) beside the schedule, not in its way: awaited here, a slow VACUUM
    // held requests back, then sent them in one burst that the next minute's p99 measured.
    closing.push(closeMinute(closing.length + 1, window, soakLoopP99()));
    window = newWindow(minuteEnd);
    minuteEnd += 60_000;
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
}
await Promise.all(pending);
await minting; // codes being minted still use the soak's own connection, closed below
if (window.sent > 0) closing.push(closeMinute(closing.length + 1, window, soakLoopP99()));
soakLoop.disable();
const minutes: Minute[] = await Promise.all(closing);
clearInterval(rssTimer);

/**
 * From the node's Prometheus metrics: V8's heap in use and committed (MiB), and its event loop's
 * p99 delay (ms) since the last reading, a minute ago; NaN when unread.
 */
async function readNodeMetrics(url: string): Promise<NodeMetrics> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    return {
      used: read('nodejs_heap_size_used_bytes') / 2 ** 20,
      committed: read('nodejs_heap_size_total_bytes') / 2 ** 20,
      loopP99Ms: read('nodejs_eventloop_lag_p99_seconds') * 1000,
    };
  } catch {
    return { used: NaN, committed: NaN, loopP99Ms: NaN };
  }
}

/** This process's event-loop delay p99 (ms) since the last reading. */
function soakLoopP99(): number {
  const p99 = soakLoop.percentile(99) / 1e6;
  soakLoop.reset();
  return p99;
}

/**
 * When in the minute its slowest 1% were sent: "12-14 s (61), 40 s (8)". Bunched in a few
 * seconds they point at a stall (of a node, the database, Redis or this process); spread over
 * the minute, at load.
 */
function slowestSeconds(w: Window, p99: number): string {
  const perSecond = new Map<number, number>();
  w.latencies.forEach((latency, i) => {
    if (latency < p99) return;
    const second = Math.floor(w.sentAt[i]! / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  });
  const runs: Array<{ from: number; to: number; n: number }> = [];
  for (const [second, n] of [...perSecond].sort((a, b) => a[0] - b[0])) {
    const last = runs[runs.length - 1];
    if (last && second === last.to + 1) Object.assign(last, { to: second, n: last.n + n });
    else runs.push({ from: second, to: second, n });
  }
  return runs
    .sort((a, b) => b.n - a.n)
    .slice(0, 4)
    .map((r) => `${r.from === r.to ? r.from : `${r.from}-${r.to}`} s (${r.n})`)
    .join(', ');
}

async function closeMinute(minute: number, w: Window, soakLoopP99Ms: number): Promise<Minute> {
  if (!autovacuum) await vacuum();
  const sorted = ascending(w.latencies);
  const at = (p: number) => percentile(sorted, p);
  const size = await admin.query<{ bytes: string }>('select pg_database_size($1) as bytes', [dbName]);
  const row: Minute = {
    minute,
    requests: w.sent,
    p50: at(50),
    p99: at(99),
    errors: Object.fromEntries(w.errors),
    rssMb: nodes.map((n) => sampleRssMb(n.child.pid!)),
    nodeMetrics: await Promise.all(nodes.map((n) => readNodeMetrics(n.url))),
    dbMb: Number(size.rows[0]!.bytes) / 1e6,
    ...(await expiringRows()),
    load: loadavg()[0]!,
  };
  const errorCount = Object.values(row.errors).reduce((a, b) => a + b, 0);
  console.log(
    `${String(minute).padStart(6)}  ${String(row.requests).padStart(8)}  ${row.p50.toFixed(1).padStart(6)}  ${row.p99.toFixed(1).padStart(6)}  ${String(errorCount).padStart(6)}  ${row.rssMb
      .map((m) => m.toFixed(0))
      .join(', ')
      .padStart(22)}  ${row.nodeMetrics
      .map((m) => `${m.used.toFixed(0)}/${m.committed.toFixed(0)}`)
      .join(', ')
      .padStart(
        23,
      )}  ${row.dbMb.toFixed(1).padStart(5)}  ${String(row.expiringRows).padStart(10)}  ${String(row.overdueRows).padStart(7)}  ${row.load.toFixed(1)}`,
  );
  const kindP99 = [...w.byKind].map(([kind, all]) => `${kind} ${percentile(ascending(all), 99).toFixed(1)}`);
  const loops = row.nodeMetrics.map((m) => m.loopP99Ms.toFixed(1)).join(', ');
  console.log(`        p99 ms by kind: ${kindP99.join(', ')}; event loop delay p99 ms (node 1, 2, 3): ${loops}`);
  console.log(
    `        slowest 1% sent at: ${slowestSeconds(w, row.p99)}; this process's event loop delay p99 ${soakLoopP99Ms.toFixed(1)} ms`,
  );
  if (errorCount) console.log('        errors:', row.errors);
  return row;
}

/** A sorted copy: requests still answering may add to a minute's latencies meanwhile. */
function ascending(latencies: number[]): number[] {
  return [...latencies].sort((a, b) => a - b);
}

/** The `p`th percentile of latencies sorted ascending; 0 when there are none. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

async function vacuum(): Promise<void> {
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  try {
    // As autovacuum runs: throttled (its default cost delay and limit), and without cutting empty
    // pages off a table's end, which locks the table against every reader and writer (autovacuum
    // gives that lock up when anyone waits; a VACUUM does not). Requests sent in the second after
    // it are still often a minute's slowest (the "slowest 1% sent at" lines).
    await db.query(`set vacuum_cost_delay = '2ms'`);
    await db.query('set vacuum_cost_limit = 200');
    await db.query('vacuum (truncate false)');
  } finally {
    await db.end();
  }
}

/**
 * Rows of the tables the janitor purges, and of them those it should have purged by now: expired
 * more than two of its intervals (and a margin) ago.
 */
async function expiringRows(): Promise<{ expiringRows: number; overdueRows: number }> {
  const before = Date.now() - (2 * JANITOR_SECONDS + 30) * 1000;
  const tables = ['authorization_codes', 'refresh_tokens', 'token_families', 'revoked_access_tokens'];
  const counts = { expiringRows: 0, overdueRows: 0 };
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  try {
    for (const table of tables) {
      const { rows } = await db.query<{ rows: number; overdue: number }>(
        `select count(*)::int as rows, count(*) filter (where expires_at <= $1)::int as overdue from ${table}`,
        [before],
      );
      counts.expiringRows += rows[0]!.rows;
      counts.overdueRows += rows[0]!.overdue;
    }
  } finally {
    await db.end();
  }
  return counts;
}

// 3. Checks.
const errors = minutes.reduce((sum, m) => sum + Object.values(m.errors).reduce((a, b) => a + b, 0), 0);
const checks: Array<[boolean | undefined, string]> = [[errors === 0, `errors: ${errors}`]];
const second = minutes[1];
const last = minutes[minutes.length - 1]!;
if (second && minutes.length >= 3)
  checks.push([
    last.p99 <= second.p99 * 1.5,
    `p99 of the last minute ${last.p99.toFixed(1)} ms within 1.5x of the second minute's ${second.p99.toFixed(1)} ms`,
  ]);
else checks.push([undefined, 'p99 stability needs 3 minutes or more (SOAK_SECONDS >= 180)']);
const warmEnd = soakStart + 120_000;
const lastMinuteStart = soakStart + (minutes.length - 1) * 60_000;
const mean = (samples: typeof rssSamples, node: number) =>
  samples.reduce((sum, s) => sum + s.mb[node]!, 0) / Math.max(1, samples.length);
const afterWarm = rssSamples.filter((s) => s.at >= warmEnd - 60_000 && s.at < warmEnd);
const lastSamples = rssSamples.filter((s) => s.at >= lastMinuteStart);
if (minutes.length >= 4 && afterWarm.length && lastSamples.length) {
  for (let i = 0; i < NODES; i++) {
    const growth = (mean(lastSamples, i) - mean(afterWarm, i)) / mean(afterWarm, i);
    checks.push([
      growth < 0.05,
      `node ${i + 1} RSS ${mean(afterWarm, i).toFixed(0)} MiB after warm-up (minute 2) -> ${mean(lastSamples, i).toFixed(0)} MiB in the last minute (${(growth * 100).toFixed(1)}%, < 5%)`,
    ]);
  }
} else checks.push([undefined, 'RSS growth needs 4 minutes or more (SOAK_SECONDS >= 240)']);
checks.push([
  last.overdueRows === 0,
  `expired rows left past two janitor intervals: ${last.overdueRows} (token rows ${minutes[0]!.expiringRows} after minute 1, ${last.expiringRows} at the end; database ${minutes[0]!.dbMb.toFixed(1)} MB after minute 1, ${last.dbMb.toFixed(1)} MB at the end, growing with bookings and finished jobs, kept by design)`,
]);
console.log(
  `\n${minutes.reduce((s, m) => s + m.requests, 0)} requests at ${rate.toFixed(0)}/s (capacity ${capacity.toFixed(0)}/s); at most ${maxInFlight} in flight; ${nextSlot} bookings`,
);
for (const [ok, text] of checks) console.log(`${ok === undefined ? 'N/A    ' : ok ? 'MET    ' : 'NOT MET'}  ${text}`);

await Promise.all(nodes.map((n) => stopChild(n.child)));
for (const node of nodes) node.agent.destroy();
await setup.app.close();
await admin.query(`drop database if exists ${dbName} with (force)`);
await admin.end();
process.exit(checks.every(([ok]) => ok !== false) ? 0 : 1);
