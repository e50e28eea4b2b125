import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTallies, RESULTS_DIR, summaryTable } from './tally.ts';

/** Global setup of the fault suite: clears the last run's tallies, and prints the table at the end. */
export function setup(): () => void {
  rmSync(RESULTS_DIR, { recursive: true, force: true });
  return () => {
    const tallies = loadTallies();
    if (tallies.length === 0) return;
    const table = `Fault suite summary\n\n${summaryTable(tallies)}\n`;
    mkdirSync(join(RESULTS_DIR, '..'), { recursive: true });
    writeFileSync(join(RESULTS_DIR, '..', 'faults-summary.txt'), table);
    console.log(`\n${table}`);
  };
}
