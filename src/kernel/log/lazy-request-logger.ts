import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString, LogFn } from 'pino';

/**
 * Fastify's `childLoggerFactory`: a request's logger that makes its pino child (with the request
 * id) only when the request logs something. Fastify makes one per request; under load almost none
 * log (per-request lines are off outside debug), and making the child cost ~2% of the token
 * endpoint's event-loop time (bench/).
 */
export function lazyRequestLogger(
  this: unknown,
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyRequestLogger(parent, bindings, options);
}

type Args = Parameters<LogFn>;

class LazyRequestLogger implements FastifyBaseLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get real(): FastifyBaseLogger {
    return (this.#child ??= this.parent.child(this.bindings, this.options));
  }

  get level(): LevelWithSilentOrString {
    return this.#child?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.real.level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }

  fatal(...args: Args): void {
    this.real.fatal(...args);
  }
  error(...args: Args): void {
    this.real.error(...args);
  }
  warn(...args: Args): void {
    this.real.warn(...args);
  }
  info(...args: Args): void {
    this.real.info(...args);
  }
  debug(...args: Args): void {
    this.real.debug(...args);
  }
  trace(...args: Args): void {
    this.real.trace(...args);
  }
  silent(...args: Args): void {
    this.real.silent(...args);
  }
}
