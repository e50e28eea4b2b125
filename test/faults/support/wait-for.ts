import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `check` every 50 ms until it holds, failing after `withinMs` with what was awaited.
 * Outages end by reconnection, not at a moment the suite knows, so it waits on the condition.
 */
export async function waitFor(what: string, withinMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const until = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`waited ${withinMs} ms for ${what}`);
    await delay(50);
  }
}
