import type { Config } from '../config.ts';
import { createContext, type AppContext } from '../context.ts';

/** Opens the platform's context (migrating on the way) for one CLI command, then closes it. */
export async function withContext<T>(config: Config, work: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await createContext(config);
  try {
    return await work(ctx);
  } finally {
    await ctx.close();
  }
}
