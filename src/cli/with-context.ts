import type { Config } from '../config.ts';
import { createContext, enabledProducts, type AppContext } from '../context.ts';
import { bindWebhooksToConsent } from '../scheduling/index.ts';

/** Opens the platform's context (migrating on the way) for one CLI command, then closes it. */
export async function withContext<T>(config: Config, work: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await createContext(config);
  // What the app's plugins would subscribe to, so `clients delete` ends what lived on the client.
  if (enabledProducts(config).includes('scheduling')) bindWebhooksToConsent(ctx);
  try {
    return await work(ctx);
  } finally {
    await ctx.close();
  }
}
