import type { SecretBox } from '../crypto/secret-box.ts';
import { createKey } from './key-ring.ts';
import type { SigningKeyRepository } from './signing-key-repository.ts';

export interface RotationResult {
  retired: string[];
  activated: string;
  next: string;
}

/**
 * Overlapping rotation: the already-published next key starts signing, the active key
 * retires but stays published for `retiredPublishMs` (longest token lifetime plus a margin),
 * and a fresh next key is published for the rotation after this one.
 */
export async function rotateKeys(
  repo: SigningKeyRepository,
  box: SecretBox,
  now: number,
  retiredPublishMs: number,
): Promise<RotationResult> {
  return repo.exclusively(async (tx) => {
    const active = await tx.findByStatus('active');
    let [next] = await tx.findByStatus('next');
    if (!next) {
      next = await createKey(box, 'next', now);
      await tx.insert(next);
    }
    for (const key of active) await tx.retire(key.kid, now, now + retiredPublishMs);
    await tx.activate(next.kid, now);
    const upcoming = await createKey(box, 'next', now);
    await tx.insert(upcoming);
    return { retired: active.map((k) => k.kid), activated: next.kid, next: upcoming.kid };
  });
}
