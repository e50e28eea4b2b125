import { inBatches, type Purger } from '../../kernel/jobs/janitor.ts';
import { SessionClientRepository } from './session-client-repository.ts';

/** For the janitor: which clients a session had, once that session expired without a sign-out. */
export const purgeLogoutData: Purger = async (db, _now, batchSize) => {
  const repo = new SessionClientRepository(db);
  return { session_clients: await inBatches(batchSize, () => repo.deleteOrphans(batchSize)) };
};
