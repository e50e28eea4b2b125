/**
 * Spaces the calls one node makes to one indexer evenly (5 calls/s → one every 220 ms), shared
 * by every sync on the node: Etherscan counts one key's calls across all chains, Blockscout one
 * address's. Even spacing with a tenth to spare (requests reach the indexer with uneven delays)
 * keeps within its per-second window; when another node sharing the key is not, the client
 * backs off on "Max rate limit reached".
 */
const SPARE = 1.1;
const nextFreeAt = new Map<string, number>();

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for this gate's next slot (`gate` names the indexer and key). */
export async function takeSlot(gate: string, callsPerSecond: number, sleep: Sleep): Promise<void> {
  const now = Date.now();
  const at = Math.max(now, nextFreeAt.get(gate) ?? 0);
  nextFreeAt.set(gate, at + (1000 * SPARE) / callsPerSecond);
  if (nextFreeAt.size > 1000) forgetIdle(now);
  if (at > now) await sleep(at - now);
}

function forgetIdle(now: number): void {
  for (const [gate, at] of nextFreeAt) if (at < now) nextFreeAt.delete(gate);
}
