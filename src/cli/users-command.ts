import { parseArgs } from 'node:util';
import pino from 'pino';
import type { Config } from '../config.ts';
import { createAccounts } from '../accounts/index.ts';
import { Csrf } from '../ui/csrf.ts';
import { withContext } from './with-context.ts';

export async function runUsersCommand(config: Config, args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: 'string' }, phone: { type: 'string' }, name: { type: 'string' } },
  });
  if (action !== 'create' || (!values.email && !values.phone)) {
    console.error('users create needs --email or --phone');
    return 2;
  }
  return withContext(config, async (ctx) => {
    const accounts = createAccounts({
      db: ctx.kernel.database.db,
      config,
      clock: ctx.kernel.clock,
      log: pino({ level: 'warn' }),
      csrf: new Csrf(ctx.kernel.secretKey, false),
    });
    try {
      const user = await accounts.users.create({
        ...(values.email ? { email: values.email } : {}),
        ...(values.phone ? { phone: values.phone } : {}),
        ...(values.name ? { name: values.name } : {}),
      });
      console.log(`Created ${user.id} (${user.email ?? user.phone}).`);
      return 0;
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      return 1;
    } finally {
      await accounts.close();
    }
  });
}
