import type { Config } from '../../config.ts';

/** /try is a demo: on in development and tests, off in production unless TRY_APP=true. */
export function tryAppEnabled(config: Config): boolean {
  return config.TRY_APP ?? config.NODE_ENV !== 'production';
}
