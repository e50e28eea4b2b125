import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { chooseLogFormat } from '../../src/kernel/log/log-format.ts';
import { prettyLines } from '../../src/kernel/log/pretty-lines.ts';

describe('log format', () => {
  const config = (env: Record<string, string>) => loadConfig({ SECRET_KEY: 'x'.repeat(43), ...env });

  it('is readable on a terminal in development and JSON for anything else', () => {
    expect(chooseLogFormat(config({}), true)).toBe('pretty');
    expect(chooseLogFormat(config({}), false)).toBe('json');
    expect(chooseLogFormat(config({ NODE_ENV: 'test' }), true)).toBe('pretty');
    expect(
      chooseLogFormat({ NODE_ENV: 'production', LOG_FORMAT: 'auto' } as Parameters<typeof chooseLogFormat>[0], true),
    ).toBe('json');
    expect(chooseLogFormat(config({ LOG_FORMAT: 'json' }), true)).toBe('json');
    expect(chooseLogFormat(config({ LOG_FORMAT: 'pretty' }), false)).toBe('pretty');
    expect(() => config({ LOG_FORMAT: 'yaml' })).toThrow(/LOG_FORMAT/);
  });

  it('writes one line per entry: time, level, message, fields; an error with its stack below', () => {
    const written: string[] = [];
    const stream = prettyLines({ write: (text) => written.push(text) }, { colors: false });
    const time = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    stream.write(
      `${JSON.stringify({ level: 30, time, pid: 1, hostname: 'h', msg: 'Consentry is serving', issuer: 'http://localhost:3000' })}\n`,
    );
    stream.write(
      `${JSON.stringify({ level: 50, time, msg: 'job failed', job: 'j1', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at run (x.ts:1:1)' } })}\n`,
    );
    stream.write('not json\n');
    expect(written).toEqual([
      '03:04:05.678 INFO  Consentry is serving issuer=http://localhost:3000\n',
      '03:04:05.678 ERROR job failed job=j1\n    Error: boom\n        at run (x.ts:1:1)\n',
      'not json\n',
    ]);
  });

  it('colours the level and the field names on a terminal', () => {
    const written: string[] = [];
    prettyLines({ write: (text) => written.push(text) }, { colors: true }).write(
      JSON.stringify({ level: 40, time: 0, msg: 'careful', n: 1 }),
    );
    expect(written[0]).toContain('\u001b[33mWARN \u001b[0m careful');
    expect(written[0]).toContain('\u001b[90mn=\u001b[0m1');
  });
});
