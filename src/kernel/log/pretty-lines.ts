/**
 * Turns pino's JSON lines into one readable line each: time, level, message, then the other
 * fields as key=value, an error's stack on the lines below. Written here rather than taken from
 * pino-pretty: it is a page of code, runs on the main thread without a transport worker (one
 * more V8 heap), and a development log needs nothing more.
 */
export interface LineSink {
  write(text: string): unknown;
}

const LEVELS: Record<number, { name: string; color: number }> = {
  10: { name: 'TRACE', color: 90 },
  20: { name: 'DEBUG', color: 36 },
  30: { name: 'INFO', color: 32 },
  40: { name: 'WARN', color: 33 },
  50: { name: 'ERROR', color: 31 },
  60: { name: 'FATAL', color: 35 },
};
/** pino's own fields, shown in the line's head or not at all. */
const HEAD = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'err']);

export function prettyLines(out: LineSink, options: { colors: boolean }): { write(line: string): void } {
  const paint = (color: number, text: string) => (options.colors ? `\u001b[${color}m${text}\u001b[0m` : text);
  return {
    write(line) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line); // not pino's: pass it on as it is
        return;
      }
      const level = LEVELS[entry.level as number] ?? { name: String(entry.level), color: 0 };
      const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
      const fields = Object.entries(entry)
        .filter(([key]) => !HEAD.has(key))
        .map(([key, value]) => `${paint(90, `${key}=`)}${typeof value === 'string' ? value : JSON.stringify(value)}`);
      const head = `${paint(90, time)} ${paint(level.color, level.name.padEnd(5))} ${String(entry.msg ?? '')}`;
      out.write(`${[head, ...fields].join(' ')}\n${errorLines(entry.err)}`);
    },
  };
}

/** An error serialized by pino (`{type, message, stack}`): its stack, indented under the line. */
function errorLines(err: unknown): string {
  if (!err || typeof err !== 'object') return '';
  const { stack, message } = err as { stack?: unknown; message?: unknown };
  const text = typeof stack === 'string' ? stack : typeof message === 'string' ? message : JSON.stringify(err);
  return `${text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`;
}
