import type { TestProject } from 'vitest/node';
import { startAnvil } from './anvil-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** JSON-RPC URL of the one anvil node of this test run. */
    anvilRpcUrl: string;
  }
}

/**
 * Starts ONE anvil per test run on 127.0.0.1 and an ephemeral port (vitest globalSetup); test
 * files get its URL with `inject('anvilRpcUrl')` and isolate themselves with fresh accounts.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const anvil = await startAnvil();
  project.provide('anvilRpcUrl', anvil.url);
  return () => anvil.close();
}
