import type { Config } from '../config.ts';
import { rotateKeys } from '../kernel/keys/rotate-keys.ts';
import { SigningKeyRepository } from '../kernel/keys/signing-key-repository.ts';
import { withContext } from './with-context.ts';

export async function runKeysCommand(config: Config, args: string[]): Promise<number> {
  if (args[0] !== 'rotate') {
    console.error('keys: use rotate');
    return 2;
  }
  return withContext(config, async (ctx) => {
    const repo = new SigningKeyRepository(ctx.kernel.database.db, ctx.kernel.database.dialect);
    // A retired key stays published for the longest access or ID token it may have signed, plus a margin.
    const publishMs = (config.ACCESS_TOKEN_TTL_MAX_SECONDS + config.KEY_RETIRE_GRACE_SECONDS) * 1000;
    const result = await rotateKeys(repo, ctx.kernel.box('signing-keys'), ctx.kernel.clock.now(), publishMs);
    console.log(
      `Now signing with ${result.activated}; retired ${result.retired.join(', ') || 'nothing'}; next key ${result.next} is published.`,
    );
    console.log(`Running nodes pick the new key up within KEY_RELOAD_SECONDS (${config.KEY_RELOAD_SECONDS} s).`);
    return 0;
  });
}
