import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';

export interface SecretKeySource {
  key: Buffer;
  /** Set when the key was generated on this start (development), for the log. */
  generatedAt?: string;
}

/**
 * SECRET_KEY from configuration, or in development a key kept in DATA_DIR/secret.key
 * (created on first start) so that encrypted signing keys survive restarts.
 */
export function resolveSecretKey(config: Config): SecretKeySource {
  if (config.SECRET_KEY) {
    const key = Buffer.from(config.SECRET_KEY, 'base64url');
    if (key.length < 32) throw new Error('SECRET_KEY must be at least 32 bytes, base64url-encoded.');
    return { key };
  }
  const file = join(config.DATA_DIR, 'secret.key');
  if (existsSync(file)) return { key: Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url') };
  mkdirSync(config.DATA_DIR, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64url') + '\n', { mode: 0o600 });
  return { key, generatedAt: file };
}
