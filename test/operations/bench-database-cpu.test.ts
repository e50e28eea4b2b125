import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { postgresCpuUsBetween, samplePostgresCpuUs } from '../../bench/load.ts';

// The bench's "db CPU µs/req" on PostgreSQL: backends come and go during a run (pools open and
// close connections), and a plain difference of two sums went negative when one ended.
describe('the database CPU a bench run reports', () => {
  it('counts what each process used between two readings, a new one whole and an ended one not at all', () => {
    const before = new Map([
      [10, 5_000],
      [11, 70_000], // ends before the second reading, taking its 70 ms out of any sum
    ]);
    const after = new Map([
      [10, 8_000],
      [12, 2_500], // starts in between
    ]);
    expect(postgresCpuUsBetween(before, after)).toBe(3_000 + 2_500);
    expect(postgresCpuUsBetween(after, after)).toBe(0);
  });

  it('reads every process named postgres on this host, and nothing else', () => {
    const sampled = samplePostgresCpuUs();
    const named = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => commandOf(pid) === 'postgres')
      .map(Number);
    // Processes may start or end between the two scans: compare the ones both saw.
    const both = named.filter((pid) => sampled.has(pid));
    expect(both.length).toBeGreaterThanOrEqual(Math.min(named.length, sampled.size) - 2);
    for (const pid of sampled.keys()) expect(commandOf(String(pid)) ?? 'postgres (ended since)').toMatch(/^postgres/);
    for (const cpuUs of sampled.values()) expect(cpuUs).toBeGreaterThanOrEqual(0);
    // With the suite's PostgreSQL on this host (as .ci/run sets it up), its processes are found.
    if (/@(127\.0\.0\.1|localhost)[:/]/.test(process.env.TEST_DATABASE_URL ?? ''))
      expect(sampled.size).toBeGreaterThan(0);
  });
});

/** A process's command name; undefined once it has ended. */
function commandOf(pid: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
