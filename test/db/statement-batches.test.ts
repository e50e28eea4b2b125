import { describe, expect, it } from 'vitest';
import { LookupBatch } from '../../src/kernel/db/lookup-batch.ts';
import { StatementBatch } from '../../src/kernel/db/statement-batch.ts';

// The batching PostgreSQL's token store does (token-store-contract.test.ts runs it on a real
// database in CI); here its rules, on fake statements that record how they were called.

describe('LookupBatch: the lookups of one turn share one query', () => {
  it('asks once for the distinct keys of a turn and gives each caller its own answer', async () => {
    const queries: string[][] = [];
    const batch = new LookupBatch(
      (key: string) => key,
      async (keys) => {
        queries.push(keys);
        return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.toUpperCase()]));
      },
    );
    const answers = await Promise.all(['a', 'b', 'a', 'missing'].map((key) => batch.get(key)));
    expect(answers).toEqual(['A', 'B', 'A', undefined]);
    expect(queries).toEqual([['a', 'b', 'missing']]);
    expect(await batch.get('c')).toBe('C');
    expect(queries).toHaveLength(2);
  });

  it('splits a large turn into queries of at most maxKeys, and fails every lookup of a failed query', async () => {
    const sizes: number[] = [];
    const batch = new LookupBatch(
      (key: number) => String(key),
      async (keys) => {
        sizes.push(keys.length);
        if (keys.includes(4)) throw new Error('the database is down');
        return new Map(keys.map((k) => [String(k), k * 2]));
      },
      3,
    );
    const answers = await Promise.allSettled([1, 2, 3, 4, 5].map((key) => batch.get(key)));
    expect(sizes).toEqual([3, 2]);
    expect(answers.map((a) => (a.status === 'fulfilled' ? a.value : (a.reason as Error).message))).toEqual([
      2,
      4,
      6,
      'the database is down',
      'the database is down',
    ]);
  });
});

describe('StatementBatch: the writes of one turn share one statement', () => {
  const unavailable = () => Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });

  function recorder(fail?: (inputs: string[]) => Error | undefined) {
    const calls: Array<{ many: string[] } | { one: string }> = [];
    const batch = new StatementBatch<string, string>({
      keyOf: (input) => input.split(':')[0]!,
      runMany: async (inputs) => {
        calls.push({ many: inputs });
        const error = fail?.(inputs);
        if (error) throw error;
        return inputs.map((input) => `many ${input}`);
      },
      runOne: async (input) => {
        calls.push({ one: input });
        if (input.endsWith('bad')) throw new Error(`${input} breaks a constraint`);
        return `one ${input}`;
      },
      maxInputs: 3,
    });
    return { batch, calls };
  }

  it('runs the writes of a turn as one statement, in chunks of maxInputs, and a repeated key after them', async () => {
    const { batch, calls } = recorder();
    const outputs = await Promise.all(['a:1', 'b', 'a:2', 'c', 'd'].map((input) => batch.run(input)));
    expect(outputs).toEqual(['many a:1', 'many b', 'many a:2', 'many c', 'many d']);
    expect(calls).toEqual([{ many: ['a:1', 'b', 'c'] }, { many: ['d'] }, { many: ['a:2'] }]);
  });

  it('runs each input alone after a batch that one of them failed, so only that one fails', async () => {
    const { batch, calls } = recorder((inputs) =>
      inputs.some((i) => i.endsWith('bad')) ? new Error('duplicate key value') : undefined,
    );
    const outcomes = await Promise.allSettled(['a', 'b:bad', 'c'].map((input) => batch.run(input)));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      'one a',
      'b:bad breaks a constraint',
      'one c',
    ]);
    expect(calls).toEqual([{ many: ['a', 'b:bad', 'c'] }, { one: 'a' }, { one: 'b:bad' }, { one: 'c' }]);
  });

  it('runs a batch of one again alone when it failed for something else, such as a deadlock with another node', async () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    let first = true;
    const { batch, calls } = recorder(() => (first ? ((first = false), deadlock) : undefined));
    expect(await batch.run('a')).toBe('one a');
    expect(calls).toEqual([{ many: ['a'] }, { one: 'a' }]);
  });

  it('fails every input at once when the database is out of reach, without trying each again', async () => {
    const { batch, calls } = recorder(() => unavailable());
    const outcomes = await Promise.allSettled(['a', 'b'].map((input) => batch.run(input)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toEqual([{ many: ['a', 'b'] }]);
  });
});
