// Server time of HTML pages, one request at a time (bench/scheduling-pages.ts, bench/connect-pages.ts).
// "Server" is Fastify's own time from the request's arrival to the reply's end (onResponse
// elapsedTime); "client" adds loopback HTTP and fetch on the same machine.
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';

export interface PagesBenchRow {
  page: string;
  'server p50 ms': number;
  'server p95 ms': number;
  'client p95 ms': number;
  'html KB': number;
}

export interface TimedPage {
  page: string;
  path: string;
  headers: Record<string, string>;
}

const WARMUP = 30;

/** Installs the timing hook on `app` (before it listens); `measure` then asks each page in turn. */
export function pageTimer(app: FastifyInstance): {
  measure(origin: string, pages: TimedPage[], requests: number): Promise<PagesBenchRow[]>;
} {
  const serverTimes = new Map<string, number[]>();
  app.addHook('onResponse', async (request, reply) => {
    const key = request.headers['x-bench-page'];
    if (typeof key === 'string') serverTimes.get(key)?.push(reply.elapsedTime);
  });
  return {
    async measure(origin, pages, requests) {
      const rows: PagesBenchRow[] = [];
      for (const { page, path, headers } of pages) {
        const url = `${origin}${path}`;
        let size = 0;
        for (let i = 0; i < WARMUP; i++) size = (await get(url, headers)).length;
        serverTimes.set(page, []);
        const client: number[] = [];
        for (let i = 0; i < requests; i++) {
          const t0 = performance.now();
          await get(url, { ...headers, 'x-bench-page': page });
          client.push(performance.now() - t0);
        }
        const server = serverTimes.get(page)!;
        rows.push({
          page,
          'server p50 ms': percentile(server, 50),
          'server p95 ms': percentile(server, 95),
          'client p95 ms': percentile(client, 95),
          'html KB': Number((size / 1024).toFixed(1)),
        });
      }
      return rows;
    },
  };
}

async function get(url: string, headers: Record<string, string>): Promise<string> {
  const response = await fetch(url, { headers, redirect: 'manual' });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${body.slice(0, 300)}`);
  return body;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(2));
}
