import { isDatabaseUnavailable } from './unavailable.ts';

export interface StatementBatchOptions<I, O> {
  /** Inputs with one key never share a batch: the second waits for the next one. */
  keyOf: (input: I) => string;
  /** One statement for every input, atomic as a whole; an answer per input, in their order. */
  runMany: (inputs: I[]) => Promise<O[]>;
  /** The same for one input alone: each input of a batch that failed runs so. */
  runOne: (input: I) => Promise<O>;
  /** Inputs per statement, at most. */
  maxInputs?: number;
}

/**
 * Writes of one kind that arrive in the same turn of the event loop, run as one PostgreSQL
 * statement (the counterpart of SQLite's group commit: group-commit.ts). A statement is atomic,
 * so a batch commits every input's write or none; the round trip, the backend's wake-up and the
 * WAL flush are paid once per batch instead of once per request.
 *
 * A batch that fails for a reason one of its inputs may have caused (a constraint, a deadlock with
 * another node's batch) wrote nothing: each input then runs alone, and meets its own outcome. A
 * batch that fails because the database is out of reach fails every input with that error.
 */
export class StatementBatch<I, O> {
  private pending: Array<Entry<I, O>> = [];
  private scheduled = false;
  private readonly maxInputs: number;

  constructor(private readonly options: StatementBatchOptions<I, O>) {
    this.maxInputs = options.maxInputs ?? 100;
  }

  run(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => this.enqueue({ input, resolve, reject }));
  }

  private enqueue(entry: Entry<I, O>): void {
    this.pending.push(entry);
    if (this.scheduled) return;
    this.scheduled = true;
    // After this turn's I/O callbacks: every request read in this turn has asked by then.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    const entries = this.pending;
    this.pending = [];
    this.scheduled = false;
    const keys = new Set<string>();
    const first: Array<Entry<I, O>> = [];
    const later: Array<Entry<I, O>> = [];
    for (const entry of entries) {
      const key = this.options.keyOf(entry.input);
      if (keys.has(key)) later.push(entry);
      else {
        keys.add(key);
        first.push(entry);
      }
    }
    const batches: Array<Promise<void>> = [];
    for (let start = 0; start < first.length; start += this.maxInputs)
      batches.push(this.runBatch(first.slice(start, start + this.maxInputs)));
    // A repeated key goes into a batch of its own once the first has settled.
    if (later.length > 0) void Promise.all(batches).then(() => later.forEach((entry) => this.enqueue(entry)));
  }

  private async runBatch(batch: Array<Entry<I, O>>): Promise<void> {
    let outputs: O[];
    try {
      outputs = await this.options.runMany(batch.map((e) => e.input));
    } catch (error) {
      // Even a batch of one runs again alone: a deadlock with another node's batch may have chosen it.
      if (isDatabaseUnavailable(error)) {
        for (const entry of batch) entry.reject(error);
        return;
      }
      await Promise.all(
        batch.map(async (entry) => {
          try {
            entry.resolve(await this.options.runOne(entry.input));
          } catch (alone) {
            entry.reject(alone);
          }
        }),
      );
      return;
    }
    batch.forEach((entry, i) => entry.resolve(outputs[i]!));
  }
}

interface Entry<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}
