import type { PasskeyRepository } from './passkey-repository.ts';
import { passkeyFromRow, type Passkey } from './passkey.ts';
import { normalizePasskeyName } from './passkey-name.ts';

/** A person's passkeys on /account: list, rename, remove. Another person's ids change nothing. */
export class PasskeyList {
  constructor(private readonly passkeys: PasskeyRepository) {}

  async list(userId: string): Promise<Passkey[]> {
    return (await this.passkeys.listByUser(userId)).map(passkeyFromRow);
  }

  async find(userId: string, id: string): Promise<Passkey | undefined> {
    const row = await this.passkeys.findForUser(id, userId);
    return row && passkeyFromRow(row);
  }

  /** @throws InvalidPasskeyName */
  async rename(userId: string, id: string, name: string): Promise<boolean> {
    return this.passkeys.renameForUser(id, userId, normalizePasskeyName(name));
  }

  remove(userId: string, id: string): Promise<boolean> {
    return this.passkeys.deleteForUser(id, userId);
  }
}
