// Top self-time functions of a V8 .cpuprofile (node --cpu-prof), e.g. of the Consentry server
// during `BENCH_CPU_PROFILE_DIR=/tmp/prof BENCH_SCENARIOS=refresh,code npm run bench`:
//   node --import tsx bench/cpu-profile-summary.ts /tmp/prof/<file>.cpuprofile [top=15]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatTable } from './load.ts';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Part of a profile's run, in the profiled process's monotonic clock (µs, as `monotonicMicros()` reads it). */
export interface ProfileWindow {
  from: number;
  to: number;
}

/** CLOCK_MONOTONIC in µs: the clock V8 stamps profile samples with, the same in every process of the host. */
export const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

const REPO_URL = new URL('..', import.meta.url).href; // file:///…/main/
const MAX_AREAS = 12;

/** `src/oauth/…`, `node_modules/kysely/…`, `node:internal/…`, or the V8 pseudo-frame name. */
function where(url: string): string {
  if (!url) return '';
  const path = url.startsWith(REPO_URL) ? url.slice(REPO_URL.length) : url;
  return path.replace(/^.*?\/node_modules\//, 'node_modules/');
}

/** src, node:*, one npm package, or a V8 pseudo-frame such as (garbage collector). */
function area(node: CpuProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  const path = where(url);
  if (path.startsWith('node_modules/')) {
    const parts = path.split('/');
    return parts.slice(0, parts[1]?.startsWith('@') ? 3 : 2).join('/');
  }
  if (path.startsWith('node:')) return 'node: (built-in modules)';
  return path.split('/')[0] ?? path;
}

/** Samples per node id, of the whole profile or of the samples taken within `window`. */
function hitsOf(profile: CpuProfile, window: ProfileWindow | undefined): Map<number, number> {
  const hits = new Map<number, number>();
  if (!window) {
    for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
    return hits;
  }
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= window.from && at <= window.to) hits.set(id, (hits.get(id) ?? 0) + 1);
  });
  return hits;
}

/** Where the CPU went; with `window`, only in that part of the run (e.g. one sync, without the start-up). */
export function summarizeCpuProfile(file: string, top = 15, window?: ProfileWindow): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const hitsById = hitsOf(profile, window);
  const total = [...hitsById.values()].reduce((sum, n) => sum + n, 0);
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const span = window ? (window.to - window.from) / 1000 : (profile.endTime - profile.startTime) / 1000;
  const byFunction = new Map<string, { fn: string; at: string; hits: number }>();
  const byArea = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = hitsById.get(node.id) ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const at = url ? `${where(url)}:${lineNumber + 1}` : '';
    const key = `${functionName}\0${at}`;
    const entry = byFunction.get(key) ?? { fn: functionName || '(anonymous)', at, hits: 0 };
    entry.hits += hits;
    byFunction.set(key, entry);
    byArea.set(area(node), (byArea.get(area(node)) ?? 0) + hits);
  }
  const idle = byArea.get('(idle)') ?? 0;
  const busy = Math.max(1, total - idle);
  const pct = (hits: number, of: number) => Math.round((hits / of) * 1000) / 10;
  const functions = [...byFunction.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, top)
    .map((e, i) => ({
      '#': i + 1,
      'self ms': Math.round(e.hits * msPerSample),
      '% busy': e.fn === '(idle)' ? null : pct(e.hits, busy),
      function: e.fn,
      where: e.at,
    }));
  const sortedAreas = [...byArea.entries()].sort((a, b) => b[1] - a[1]);
  const rest = sortedAreas.slice(MAX_AREAS).reduce((sum, [, hits]) => sum + hits, 0);
  const shownAreas: Array<[string, number]> = [
    ...sortedAreas.slice(0, MAX_AREAS),
    ...(rest > 0 ? [['(everything else)', rest] as [string, number]] : []),
  ];
  const areas = shownAreas.map(([name, hits]) => ({
    area: name,
    'self ms': Math.round(hits * msPerSample),
    '% busy': name === '(idle)' ? null : pct(hits, busy),
  }));
  return [
    `${file}${window ? ' (one window of the run)' : ''}: ${total} samples over ${Math.round(span)} ms, ${pct(idle, Math.max(1, total))}% idle; "% busy" excludes (idle)`,
    '',
    `Top ${top} by self time:`,
    formatTable(functions),
    '',
    'Self time by area:',
    formatTable(areas),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node --import tsx bench/cpu-profile-summary.ts <file.cpuprofile> [top=15]');
    process.exit(2);
  }
  console.log(summarizeCpuProfile(file, top ? Number(top) : 15));
}
