// Thin wrapper over autocannon: one bounded run -> one LoadResult row.
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadResult {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** The request stream of one connection: what to send next, and what to learn from each response. */
export interface ConnectionScript {
  /** Body (and optionally extra headers) of the next request on this connection. */
  next(): { body?: string; headers?: Record<string, string> };
  /** Sees every response on this connection, e.g. to chain the rotated refresh_token into next(). */
  onResponse?(status: number, body: string): void;
  /**
   * Set when next() always answers the same request: autocannon then builds its bytes once instead
   * of before every request (that rebuild cost the load generator ~60 µs per request, CPU the
   * server under test then could not have on a 2-core machine).
   */
  constant?: boolean;
}

export interface MeasureOptions {
  /** Full URL including path; must be loopback (http://127.0.0.1:port/...). */
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** Default 32. */
  connections?: number;
  /** Seconds; default env BENCH_SECONDS, else 5. */
  duration?: number;
  /** Called once per connection (index 0..connections-1) to make its script; omit for a fixed request. */
  perConnection?: (index: number) => ConnectionScript;
}

export function benchSeconds(): number {
  const s = Number(process.env.BENCH_SECONDS);
  return Number.isFinite(s) && s > 0 ? s : 5;
}

export async function measure(name: string, opts: MeasureOptions): Promise<LoadResult> {
  const host = new URL(opts.url).hostname;
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(host))
    throw new Error(`refusing non-loopback target ${opts.url}`);

  const { perConnection } = opts;
  let nextIndex = 0;
  const result = await autocannon({
    url: opts.url,
    method: opts.method ?? 'GET',
    headers: opts.headers ?? {},
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    connections: opts.connections ?? 32,
    duration: opts.duration ?? benchSeconds(),
    // Per-connection state lives in this closure, NOT in autocannon's `context`: autocannon resets
    // `context` to initialContext every time it wraps around its `requests` list, i.e. before every
    // request when the list has one entry, so a refresh token stored there would be lost.
    // setupClient runs once per connection, before it sends anything; setRequests builds request #1
    // through setupRequest right away, so no scripted body is wasted.
    ...(perConnection
      ? {
          setupClient: (client: autocannon.Client) => {
            const script = perConnection(nextIndex++);
            const first = script.constant ? script.next() : undefined;
            client.setRequests([
              {
                ...(first
                  ? {
                      method: opts.method ?? 'GET',
                      ...(first.body !== undefined ? { body: first.body } : {}),
                      headers: { ...opts.headers, ...first.headers },
                    }
                  : {
                      setupRequest: (req: autocannon.Request) => {
                        const { body, headers } = script.next();
                        return {
                          ...req,
                          ...(body !== undefined ? { body } : {}),
                          headers: { ...req.headers, ...headers },
                        };
                      },
                    }),
                ...(script.onResponse
                  ? { onResponse: (status: number, body: string) => script.onResponse!(status, body) }
                  : {}),
              },
            ]);
          },
        }
      : {}),
  });

  return {
    name,
    requests: result.requests.total,
    // Over the real elapsed time: autocannon stops on its 1 s sampling tick, so a run can last up to ~1 s
    // longer than asked (requests.average agrees with this; the total alone would overstate the rate).
    rps: Math.round(result.requests.total / result.duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/** RSS in MiB: of this process, or of another one (e.g. a forked server) via /proc/<pid>/status VmRSS. */
export function sampleRssMb(pid?: number): number {
  if (pid === undefined || pid === process.pid) return round1(process.memoryUsage().rss / 2 ** 20);
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
  return round1(Number(m[1]) / 1024);
}

/**
 * CPU time (user + system, all threads) another process has used so far, in µs, from /proc/<pid>/stat.
 * Its resolution is one clock tick (10 ms): ample over a run of thousands of requests.
 */
export function sampleCpuUs(pid: number): number {
  return cpuUsOf(`/proc/${pid}/stat`);
}

/** The same for the process's main thread alone (its JavaScript, SQLite calls, parsing), without V8's and libuv's helper threads. */
export function sampleMainThreadCpuUs(pid: number): number {
  return cpuUsOf(`/proc/${pid}/task/${pid}/stat`);
}

/**
 * CPU time each PostgreSQL process on this machine has used so far (its backends, WAL writer,
 * checkpointer, autovacuum), in µs by process id; empty when none runs here (a database on another
 * host). On a shared host the database's CPU comes out of the servers' share, so a bench reports it.
 */
export function samplePostgresCpuUs(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // the process ended meanwhile
    }
    // The command name stays `postgres` whatever title a backend gives itself.
    if (stat.startsWith(`${entry} (postgres) `)) byPid.set(Number(entry), cpuUsOfStat(stat));
  }
  return byPid;
}

/**
 * The CPU the processes of two `samplePostgresCpuUs` readings used between them: a process that
 * started in between counts whole, one that ended counts nothing (its last share is lost, where a
 * plain difference of sums would go negative).
 */
export function postgresCpuUsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let used = 0;
  for (const [pid, cpuUs] of after) used += cpuUs - (before.get(pid) ?? 0);
  return used;
}

function cpuUsOf(statFile: string): number {
  return cpuUsOfStat(readFileSync(statFile, 'utf8'));
}

function cpuUsOfStat(stat: string): number {
  // Fields after the parenthesised command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux this runs on (it is fixed in the kernel's ABI, whatever CONFIG_HZ is). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Aligned text table (returned, not printed); columns are the keys of the first row. Numbers right-aligned;
 * null or undefined prints as an empty cell and leaves a numeric column numeric.
 */
export function formatTable<T extends object>(rows: readonly T[]): string {
  const first = rows[0];
  if (!first) return '(no rows)';
  const cols = Object.keys(first);
  const values = cols.map((c) => rows.map((r) => (r as Record<string, unknown>)[c]));
  const numeric = values.map(
    (vs) => vs.some((v) => typeof v === 'number') && vs.every((v) => typeof v === 'number' || v == null),
  );
  // Same number of decimals down a column (the most any value in it needs, at most 2).
  const decimals = values.map((vs) =>
    Math.max(0, ...vs.map((v) => (typeof v === 'number' ? Math.min(2, decimalsOf(v)) : 0))),
  );
  const grid = rows.map((_, r) =>
    cols.map((_c, i) => {
      const v = values[i]![r];
      return typeof v === 'number' ? v.toFixed(decimals[i]) : String(v ?? '');
    }),
  );
  const widths = cols.map((c, i) => Math.max(c.length, ...grid.map((g) => g[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((s, i) => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cols), widths.map((w) => '-'.repeat(w)).join('  '), ...grid.map(line)].join('\n');
}

function decimalsOf(n: number): number {
  if (!Number.isFinite(n) || Number.isInteger(n)) return 0;
  return (String(n).split('.')[1] ?? '').length;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
