import { freePort } from './child-process.ts';
import { inProcessBenchConfig } from './in-process-config.ts';
// Portfolio benchmarks (npm run bench calls runPortfolioBench; or: node --import tsx bench/portfolio.ts).
//   One person, 1,000,000 transactions across 20 CSV connections on a SQLite file:
//   - ingest: the sync engine's durable jobs (parse, normalize, upsert, cursor, balances) — transactions/s;
//   - GET /platform/v2/transactions: first page and a page 900,000 rows deep (keyset cursor), p50/p99;
//   - GET /platform/v2/assets: p50/p99.
//   BENCH_PORTFOLIO_TRANSACTIONS (default 1000000) and BENCH_PORTFOLIO_CONNECTIONS (default 20) scale it down.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.ts';
import { newId } from '../src/kernel/crypto/tokens.ts';
import { issueCodeRedirect } from '../src/oauth/authorization/issue-code.ts';
import { GrantRepository } from '../src/oauth/index.ts';
import { createOAuthContext, type OAuthContext } from '../src/oauth/oauth-context.ts';
import { portfolioOf } from '../src/portfolio/portfolio.ts';

export interface PortfolioBenchRow {
  scenario: string;
  metric: string;
  value: number;
  unit: string;
  target?: string;
}

const SCOPES = ['read:providers', 'write:providers', 'read:assets', 'read:transactions'];
const CURRENCIES = ['BTC', 'ETH', 'USDC', 'SOL', 'DOT', 'ADA', 'TOKA', 'TOKB'];
const YEAR = 365 * 86_400_000;

export async function runPortfolioBench(
  options: { transactions?: number; connections?: number; requests?: number } = {},
): Promise<PortfolioBenchRow[]> {
  const total = options.transactions ?? Number(process.env.BENCH_PORTFOLIO_TRANSACTIONS ?? 1_000_000);
  const connectionCount = options.connections ?? Number(process.env.BENCH_PORTFOLIO_CONNECTIONS ?? 20);
  const requests = options.requests ?? 300;
  const perConnection = Math.ceil(total / connectionCount);
  const dir = mkdtempSync(join(tmpdir(), 'consentry-bench-portfolio-'));
  const port = await freePort();
  const config = inProcessBenchConfig(dir, port, { COINGECKO_API_URL: 'http://127.0.0.1:9' });
  const { app, kernel, accounts } = await buildApp(config);
  const ctx = await createOAuthContext(kernel);
  try {
    const portfolio = portfolioOf(kernel, app.log);
    const user = await accounts.users.create({ email: `bench-${Date.now()}@example.com` });
    const rows: PortfolioBenchRow[] = [];

    // Linking parses and checks each file (not timed); the syncs wait as durable jobs.
    const start = Date.UTC(2015, 0, 1);
    for (let c = 0; c < connectionCount; c++) {
      await portfolio.connections.link(user.id, [
        {
          provider_id: 'csv',
          display_label: `export ${c}`,
          connection: { type: 'csv', content: csvFile(c, perConnection, start) },
        },
      ]);
    }
    const t0 = performance.now();
    await ctx.jobs.drain();
    const seconds = (performance.now() - t0) / 1000;
    const stored = Number(
      (
        await ctx.database.db
          .selectFrom('portfolio_transactions')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    if (stored !== perConnection * connectionCount)
      throw new Error(`expected ${perConnection * connectionCount} transactions, stored ${stored}`);
    rows.push({
      scenario: `sync engine ingest, ${stored.toLocaleString('en')} tx across ${connectionCount} CSV connections`,
      metric: 'rate',
      value: Math.round(stored / seconds),
      unit: 'tx/s',
      target: '≥ 20,000 tx/s',
    });

    await app.listen({ host: '127.0.0.1', port });
    const headers = { authorization: `Bearer ${await mintAccessToken(ctx, user.id)}` };
    const base = `${config.ISSUER}/platform/v2`;
    const deepOffset = Math.floor(stored * 0.9);
    const deep = await ctx.database.db
      .selectFrom('portfolio_transactions')
      .select(['timestamp', 'id'])
      .where('user_id', '=', user.id)
      .orderBy('timestamp', 'desc')
      .orderBy('id', 'desc')
      .offset(deepOffset)
      .limit(1)
      .executeTakeFirstOrThrow();
    const deepCursor = portfolio.cursors.encode({ after: { t: deep.timestamp, id: deep.id }, filter: {} });

    const first = await latencies(`${base}/transactions`, headers, requests);
    const deeper = await latencies(`${base}/transactions?cursor=${encodeURIComponent(deepCursor)}`, headers, requests);
    const assets = await latencies(`${base}/assets`, headers, requests);
    for (const [scenario, times, target] of [
      ['GET /platform/v2/transactions, first page (30)', first, undefined],
      [
        `GET /platform/v2/transactions, page ${deepOffset.toLocaleString('en')} rows deep (keyset)`,
        deeper,
        '≤ 1.5× the first page',
      ],
      ['GET /platform/v2/assets', assets, undefined],
    ] as const) {
      rows.push({ scenario, metric: 'p50', value: percentile(times, 50), unit: 'ms', ...(target ? { target } : {}) });
      rows.push({ scenario, metric: 'p99', value: percentile(times, 99), unit: 'ms' });
    }
    rows.push({
      scenario: 'deep page p50 / first page p50',
      metric: 'ratio',
      value: Math.round((percentile(deeper, 50) / percentile(first, 50)) * 100) / 100,
      unit: '×',
      target: '≤ 1.5',
    });
    return rows;
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A universal-template CSV of `count` rows: buys, sells, rewards and withdrawals over ten years. */
function csvFile(connection: number, count: number, start: number): string {
  const lines = ['Date,Received Quantity,Received Currency,Sent Quantity,Sent Currency,Fee Amount,Fee Currency,Tag'];
  const step = Math.floor((10 * YEAR) / count);
  for (let i = 0; i < count; i++) {
    const date = new Date(start + i * step + connection * 1000).toISOString();
    const a = CURRENCIES[(i + connection) % CURRENCIES.length]!;
    const b = CURRENCIES[(i + connection + 3) % CURRENCIES.length]!;
    const amount = `${(i % 97) + 1}.${String((i * 7919) % 100000).padStart(5, '0')}`;
    switch (i % 4) {
      case 0:
        lines.push(`${date},${amount},${a},,,,,`);
        break;
      case 1:
        lines.push(`${date},${amount},${a},0.5,${b},0.001,${a},trade`);
        break;
      case 2:
        lines.push(`${date},0.01,${a},,,,,staking`);
        break;
      default:
        lines.push(`${date},,,${amount},${a},0.0001,${a},withdrawal`);
    }
  }
  return lines.join('\n');
}

async function mintAccessToken(ctx: OAuthContext, userId: string): Promise<string> {
  const redirectUri = 'http://127.0.0.1/cb';
  const { client } = await ctx.clientService.create({
    name: 'bench',
    type: 'public',
    redirectUris: [redirectUri],
    allowedScopes: SCOPES,
  });
  const resources = [`${ctx.config.ISSUER}/platform`];
  const grantId = await new GrantRepository(ctx.database.db).approve(
    newId(),
    userId,
    client.id,
    SCOPES,
    resources,
    ctx.clock.now(),
  );
  const verifier = randomBytes(32).toString('base64url');
  const location = await issueCodeRedirect(
    ctx,
    {
      clientId: client.id,
      redirectUri,
      redirectUriSent: true,
      scopes: SCOPES,
      resources,
      prompt: [],
      codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
      codeChallengeMethod: 'S256',
    },
    userId,
    grantId,
    ctx.clock.now(),
  );
  const code = new URL(location).searchParams.get('code')!;
  const response = await fetch(`${ctx.config.ISSUER}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      client_id: client.id,
    }),
  });
  const tokens = (await response.json()) as { access_token?: string };
  if (!tokens.access_token) throw new Error(`token exchange failed: ${JSON.stringify(tokens)}`);
  return tokens.access_token;
}

async function latencies(url: string, headers: Record<string, string>, count: number): Promise<number[]> {
  for (let i = 0; i < 20; i++) await expectOk(await fetch(url, { headers }));
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await expectOk(await fetch(url, { headers }));
    times.push(performance.now() - t0);
  }
  return times;
}

async function expectOk(response: Response): Promise<void> {
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${response.url} answered ${response.status}: ${body.slice(0, 300)}`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 100) / 100;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runPortfolioBench();
  for (const row of rows)
    console.log(
      `${row.scenario.padEnd(70)} ${row.metric.padEnd(6)} ${String(row.value).padStart(10)} ${row.unit}${row.target ? `   (target ${row.target})` : ''}`,
    );
}
