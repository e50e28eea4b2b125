import pino from 'pino';
import type { Config } from '../../config.ts';
import { chooseLogFormat } from './log-format.ts';
import { prettyLines } from './pretty-lines.ts';

/** Credentials a request log line must never carry. */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie'];

/**
 * The process's logger: LOG_LEVEL, credentials redacted, JSON lines or readable ones as
 * LOG_FORMAT decides (or to `stream`, which tests read). `consentry start` makes it before the
 * app exists, so the lines written while it waits for the database look like the app's.
 */
export function createLogger(
  config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT' | 'NODE_ENV'>,
  stream?: { write(line: string): void },
): pino.Logger {
  const tty = process.stdout.isTTY === true;
  const out =
    stream ?? (chooseLogFormat(config, tty) === 'pretty' ? prettyLines(process.stdout, { colors: tty }) : undefined);
  return pino({ level: config.LOG_LEVEL, redact: REDACTED_PATHS }, out);
}
