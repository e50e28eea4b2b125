import type { PasskeysTable } from '../../kernel/db/schema.ts';

/** A passkey as its owner sees it on /account. */
export interface Passkey {
  id: string;
  userId: string;
  name: string;
  /** Synced between the person's devices by their password manager (WebAuthn backup state). */
  synced: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

/** Longest passkey name kept (a person types it, or it is made from the browser's name). */
export const PASSKEY_NAME_MAX = 100;

/** Passkeys one account may hold: enough for every device a person owns, bounded storage. */
export const MAX_PASSKEYS_PER_USER = 20;

/** How long a registration or sign-in challenge can be answered (ceremonies time out at 60 s). */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60_000;

export function passkeyFromRow(row: PasskeysTable): Passkey {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    synced: row.backed_up === 1,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
