import type { Clock } from '../../kernel/clock.ts';
import type { Connection } from '../connections/connection.ts';
import type { ConnectionRepository } from '../connections/connection-repository.ts';
import type { AppChoiceRepository } from './app-choice-repository.ts';

/**
 * What one app may see of a person's linked accounts: every connection (`ids` undefined: the app
 * was let in before people could choose, or the token acts for no app), or those chosen.
 */
export interface AppView {
  /** The person's connections the app may see, in link order. */
  connections: Connection[];
  /** The ids of `connections` when the person chose; undefined when the app sees everything. */
  ids?: string[];
}

/**
 * The person's choice, per app, of the linked accounts it may see. Made on the Connect widget's
 * "choose" step and edited on /account; a connection linked later is shared only with the app
 * whose widget or API linked it, never with the others on its own.
 */
export class AppSharing {
  constructor(
    private readonly deps: { choices: AppChoiceRepository; connections: ConnectionRepository; clock: Clock },
  ) {}

  /** The person's connections as this app sees them. */
  async viewOf(userId: string, clientId: string): Promise<AppView> {
    const [all, chosen] = await Promise.all([
      this.deps.connections.listForUser(userId),
      this.deps.choices.find(userId, clientId),
    ]);
    if (chosen === undefined) return { connections: all };
    const shared = new Set(chosen);
    const connections = all.filter((c) => shared.has(c.id));
    return { connections, ids: connections.map((c) => c.id) };
  }

  /** The chosen connection ids, or undefined when the person never chose for this app. */
  chosen(userId: string, clientId: string): Promise<string[] | undefined> {
    return this.deps.choices.find(userId, clientId);
  }

  /**
   * Records the person's choice for the app: exactly these of their connections (ids that are
   * not theirs, or were removed meanwhile, are left out). An empty list shares nothing.
   */
  async choose(userId: string, clientId: string, connectionIds: readonly string[]): Promise<string[]> {
    const mine = new Set((await this.deps.connections.listForUser(userId)).map((c) => c.id));
    const kept = [...new Set(connectionIds)].filter((id) => mine.has(id));
    await this.deps.choices.replace(userId, clientId, kept, this.deps.clock.now());
    return kept;
  }

  /** Connections the app itself just linked (through the API): it sees them, whatever it was shown before. */
  async shareLinkedByApp(userId: string, clientId: string, connectionIds: string[]): Promise<void> {
    await this.deps.choices.add(userId, clientId, connectionIds);
  }
}
