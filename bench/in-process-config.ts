import { join } from 'node:path';
import { loadConfig, type Config } from '../src/config.ts';

/**
 * The configuration of a bench that runs Consentry in its own process: loopback on `port`, no
 * logs, no janitor, a SQLite file in `dir` (unless `settings` names another database).
 */
export function inProcessBenchConfig(dir: string, port: number, settings: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    ISSUER: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'silent',
    JANITOR_INTERVAL_SECONDS: '0',
    DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
    SECRET_KEY: 'YmVuY2gtc2VjcmV0LWtleS10aGF0LWlzLTMyLWJ5dGVzIQ',
    ...settings,
  });
}
