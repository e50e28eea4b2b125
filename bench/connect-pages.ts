// Connect widget pages benchmark (npm run bench with BENCH_SCENARIOS=connect-pages; or:
// node --import tsx bench/connect-pages.ts). The issue's target: server time p95 under 20 ms per
// page. A signed-in person inside a pending /connect authorization, with four CSV imports of 250
// transactions each already read; each page is asked for CONNECT_PAGES_REQUESTS times, one request
// at a time over real HTTP, after a warm-up. "Server" is Fastify's own time from the request's
// arrival to the reply's end (onResponse elapsedTime); "client" adds loopback HTTP and fetch.
//   BENCH_PAGES_REQUESTS=300  measured requests per page
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { internalsOf } from '../src/accounts/create-accounts.ts';
import { portfolioOf } from '../src/portfolio/portfolio.ts';
import { freePort } from './child-process.ts';
import { inProcessBenchConfig } from './in-process-config.ts';
import { pageTimer, type PagesBenchRow, type TimedPage } from './page-timing.ts';

const SCOPES = ['read:providers', 'write:providers', 'read:assets', 'read:transactions'];
const CSV_HEADER = 'Date,Received Quantity,Received Currency,Sent Quantity,Sent Currency,Fee Amount,Fee Currency,Tag';

export async function runConnectPagesBench(options: { requests?: number } = {}): Promise<PagesBenchRow[]> {
  const requests = options.requests ?? Number(process.env.BENCH_PAGES_REQUESTS ?? 300);
  const dir = mkdtempSync(join(tmpdir(), 'consentry-bench-connect-'));
  const port = await freePort();
  const config = inProcessBenchConfig(dir, port, {
    // Nothing leaves the machine: prices are best effort and stay empty.
    COINGECKO_API_URL: 'http://127.0.0.1:9',
  });
  const built = await buildApp(config);
  const { app, kernel, oauth, accounts } = built;
  const timer = pageTimer(app);
  await app.listen({ host: '127.0.0.1', port });
  try {
    const user = await accounts.users.create({ email: `connect-${Date.now()}@example.com`, name: 'Bench Person' });
    const { token } = await internalsOf(accounts).sessions.create(user.id, {});
    const signedIn = { cookie: `consentry_session=${token}` };
    const { client } = await oauth.clientService.create({
      name: 'Bench App',
      type: 'public',
      redirectUris: ['http://127.0.0.1:9/callback'],
      allowedScopes: SCOPES,
      defaultScopes: SCOPES,
    });
    const base = await widgetStep(config.ISSUER, client.id, signedIn);

    // Four CSV imports, 250 transactions each, read before measuring.
    const portfolio = portfolioOf(kernel, app.log);
    for (let file = 0; file < 4; file++) {
      const rows = Array.from({ length: 250 }, (_, i) => {
        const at = new Date(Date.UTC(2024, 0, 1) + (file * 250 + i) * 3_600_000).toISOString();
        return i % 3 === 0 ? `${at},,,0.001,BTC,0.00001,BTC,withdrawal` : `${at},0.01,${i % 2 ? 'ETH' : 'BTC'},,,,,`;
      });
      await portfolio.connections.link(user.id, [
        {
          provider_id: 'csv',
          display_label: `Export ${file + 1}`,
          connection: { type: 'csv', content: [CSV_HEADER, ...rows].join('\n') },
        },
      ]);
    }
    await kernel.jobs.drain();

    const pages: Omit<TimedPage, 'headers'>[] = [
      { page: 'GET /connect/link/{id} (picker)', path: base },
      { page: 'GET /connect/link/{id}?q=eth (search)', path: `${base}?q=eth` },
      { page: 'GET .../provider/binance', path: `${base}/provider/binance` },
      { page: 'GET .../provider/wallet', path: `${base}/provider/wallet` },
      { page: 'GET .../provider/csv', path: `${base}/provider/csv` },
      { page: 'GET .../progress (4 accounts, 1,000 transactions)', path: `${base}/progress` },
    ];
    return await timer.measure(
      config.ISSUER,
      pages.map((p) => ({ ...p, headers: signedIn })),
      requests,
    );
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Follows /connect through the authorization's redirects to the widget's first step. */
async function widgetStep(issuer: string, clientId: string, headers: Record<string, string>): Promise<string> {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    state: 'bench',
  });
  let location = `/connect?${query}`;
  for (let hop = 0; hop < 5; hop++) {
    if (/^\/connect\/link\/[^/?]+$/.test(location)) return location;
    const answer = await fetch(`${issuer}${location}`, { headers, redirect: 'manual' });
    const next = answer.headers.get('location');
    if (!next) throw new Error(`${location} answered ${answer.status}, not a redirect`);
    location = next;
  }
  throw new Error(`never reached the widget (last: ${location})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatTable } = await import('./load.ts');
  console.log(formatTable(await runConnectPagesBench()));
}
