import type { Config } from '../../config.ts';

/**
 * How log lines are written: JSON for collectors, or readable lines for a person watching a
 * terminal. `auto` decides by where stdout goes: a terminal outside production reads pretty,
 * anything else (a file, a pipe, a container's log driver) gets JSON.
 */
export function chooseLogFormat(config: Pick<Config, 'LOG_FORMAT' | 'NODE_ENV'>, stdoutIsTty: boolean) {
  if (config.LOG_FORMAT !== 'auto') return config.LOG_FORMAT;
  return stdoutIsTty && config.NODE_ENV !== 'production' ? 'pretty' : 'json';
}
