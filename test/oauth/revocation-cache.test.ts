import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/kernel/db/database.ts';
import { migrateToLatest } from '../../src/kernel/db/migrate.ts';
import { localOnlyNotifier, Revocations, type RevocationNotifier } from '../../src/oauth/tokens/revocation.ts';
import { TokenFamilyRepository } from '../../src/oauth/tokens/token-family-repository.ts';
import { createTokenStore } from '../../src/oauth/tokens/token-store.ts';
import { freshDatabaseUrl } from '../helpers/database.ts';

const CACHE_MS = 2_000;

/** A real repository on SQLite that counts its revocation reads and can hold one until released. */
class CountingRepository extends TokenFamilyRepository {
  reads = 0;
  gate: Promise<void> | undefined;
  override async isAccessTokenRevoked(jti: string): Promise<boolean> {
    this.reads++;
    const answer = await super.isAccessTokenRevoked(jti);
    await this.gate;
    return answer;
  }
}

describe('issue 15: the revocation cache keeps only answers it may still use', () => {
  let handle: DatabaseHandle;
  let drop: () => Promise<void>;
  let repo: CountingRepository;
  /** Introspection's one-read check, as the authorization server wires it. */
  let readFresh: (familyId: string | undefined, jti: string) => Promise<boolean>;
  const clock = { ms: 1_800_000_000_000, now: () => clock.ms };

  beforeAll(async () => {
    const database = await freshDatabaseUrl('sqlite');
    drop = database.drop;
    handle = openDatabase(database.url);
    await migrateToLatest(handle.db);
    repo = new CountingRepository(handle.db);
    const store = createTokenStore(handle);
    readFresh = (familyId, jti) => store.read((tx) => tx.families.isTokenRevoked(familyId, jti));
  });

  afterAll(async () => {
    await handle.close();
    await drop();
  });

  it('answers "not revoked" from memory within REVOCATION_CACHE_MS and reads again after it', async () => {
    const revocations = new Revocations(repo, clock, CACHE_MS, localOnlyNotifier, readFresh);
    const before = repo.reads;
    expect(await revocations.isRevoked({ jti: 'jti-a' })).toBe(false);
    clock.ms += CACHE_MS - 1;
    expect(await revocations.isRevoked({ jti: 'jti-a' })).toBe(false);
    expect(repo.reads - before).toBe(1);
    clock.ms += 1;
    expect(await revocations.isRevoked({ jti: 'jti-a' })).toBe(false);
    expect(repo.reads - before).toBe(2);
  });

  it('forgets the answers of windows long past, so many tokens checked once do not stay in memory', async () => {
    const revocations = new Revocations(repo, clock, CACHE_MS, localOnlyNotifier, readFresh);
    await revocations.revokeAccessToken('jti-revoked-here', clock.ms + 3_600_000);
    for (let i = 0; i < 500; i++) await revocations.isRevoked({ jti: `jti-once-${i}` });
    const before = repo.reads;
    // Still known without a read: this node's own revocation, just now.
    expect(await revocations.isRevoked({ jti: 'jti-revoked-here' })).toBe(true);
    expect(repo.reads).toBe(before);
    clock.ms += 2 * CACHE_MS;
    expect(await revocations.isRevoked({ jti: 'jti-once-0' })).toBe(false);
    expect(repo.reads - before).toBe(1);
    // Forgotten from memory, the revocation is read back from the database: it still holds.
    expect(await revocations.isRevoked({ jti: 'jti-revoked-here' })).toBe(true);
    expect(repo.reads - before).toBe(2);
  });

  it('keeps a revocation announced while a read of the same token was in flight', async () => {
    let announce: (key: string) => void = () => {};
    const notifier: RevocationNotifier = {
      publish: async () => {},
      subscribe: (onRevoked) => void (announce = onRevoked),
      close: async () => {},
    };
    const revocations = new Revocations(repo, clock, CACHE_MS, notifier, readFresh);
    let release = () => {};
    const before = repo.reads;
    repo.gate = new Promise<void>((resolve) => (release = resolve));
    const reading = revocations.isRevoked({ jti: 'jti-raced' });
    // Another node revoked it and committed after this node's read; the announcement lands first.
    await expect.poll(() => repo.reads).toBe(before + 1);
    announce('j:jti-raced');
    release();
    repo.gate = undefined;
    expect(await reading).toBe(false); // what the database said when it was read
    expect(await revocations.isRevoked({ jti: 'jti-raced' })).toBe(true);
  });
});
