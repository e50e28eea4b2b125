import type { SecretBox } from '../../kernel/crypto/secret-box.ts';
import { newId } from '../../kernel/crypto/tokens.ts';
import { yieldToEventLoop } from '../../kernel/threads/module-worker.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { ApiError, notFound, type ErrorItem } from '../errors.ts';
import type { Connection, Credentials } from './connection.ts';
import type { ConnectionRepository } from './connection-repository.ts';
import type { LinkInput, LinkResult } from './link-input.ts';
import { CsvWorker, type CsvLimits } from '../sources/csv/parse-off-thread.ts';
import type { CredentialVerifier, WalletNameResolver } from '../sources/create-source.ts';
import type { OAuthLinking } from './oauth-linking.ts';
import { prepareLink, type PreparedLink } from './prepare-link.ts';

export interface ConnectionServiceDeps {
  catalog: Catalog;
  repo: ConnectionRepository;
  box: SecretBox;
  clock: Clock;
  /** Starts the first sync of a new connection (a durable job). */
  syncNow(connectionId: string): Promise<void>;
  /** Size and row limits of a CSV import. */
  csvLimits: CsvLimits;
  /** Checks credentials with the provider before they are stored (a real read call). */
  verifyCredentials: CredentialVerifier;
  /** Resolves a name typed as a wallet address (ENS) to the address it stands for. */
  resolveWalletName: WalletNameResolver;
  /** Links by the exchange's own OAuth. */
  oauth: OAuthLinking;
  /** Runs `remove`, then cleans up what depended on the removed connections (internal-transfer marks). */
  aroundUnlink(userId: string, connectionIds: string[], remove: () => Promise<void>): Promise<void>;
}

/** Linking and unlinking providers: validation, duplicate detection, sealed credentials. */
export class ConnectionService {
  constructor(private readonly deps: ConnectionServiceDeps) {}

  /** A CSV worker that seals with the credentials' box, for an upload's CSV texts (close it when done). */
  csvWorker(): CsvWorker {
    return new CsvWorker(this.deps.box.derivedKey());
  }

  list(userId: string): Promise<Connection[]> {
    return this.deps.repo.listForUser(userId);
  }

  /**
   * Links each provider of the request that can be linked: each is checked first (unknown
   * provider 404, bad input 400, duplicate 409), the good ones are stored in one transaction,
   * then their syncs start. One result per input, in order; a failed input answers
   * `{added: false}` and its errors. When none could be linked, nothing is stored and the
   * failures are thrown (one ApiError carrying every item).
   */
  async link(userId: string, inputs: LinkInput[]): Promise<{ results: LinkResult[]; errors: ErrorItem[] }> {
    let worker: CsvWorker | undefined;
    let linked: { results: LinkResult[]; errors: ErrorItem[] };
    try {
      linked = await this.linkWith(userId, inputs, () => (worker ??= this.csvWorker()));
    } finally {
      await worker?.close();
    }
    // Once the upload's CSV worker is free (the sync may take it over warm), the syncs start;
    // an OAuth link's starts when the exchange sends the person back.
    for (const result of linked.results)
      if (result.connection_id && result.added) await this.deps.syncNow(result.connection_id);
    return linked;
  }

  private async linkWith(
    userId: string,
    inputs: LinkInput[],
    csvWorker: () => CsvWorker,
  ): Promise<{ results: LinkResult[]; errors: ErrorItem[] }> {
    const prepared: Array<PreparedLink | ApiError> = [];
    const keys = new Set<string>();
    for (const input of inputs) {
      try {
        const provider = this.deps.catalog.find(input.provider_id);
        if (!provider)
          throw notFound(
            `provider ${input.provider_id} is not in the catalogue (GET /platform/v2/providers/catalog)`,
            input.provider_id,
          );
        const link = await prepareLink(
          provider,
          input,
          { ...this.deps.csvLimits, worker: csvWorker },
          {
            verify: this.deps.verifyCredentials,
            resolveName: this.deps.resolveWalletName,
            startOAuth: (p, returnTo) => this.deps.oauth.start(p, returnTo),
          },
        );
        const key = `${provider.providerId}\u0000${link.identityKey}`;
        if (keys.has(key) || (await this.deps.repo.findByIdentity(userId, provider.providerId, link.identityKey))) {
          throw new ApiError(
            409,
            'conflict',
            `this ${provider.name} ${link.credentials.type === 'csv' ? 'file' : 'account'} is already linked`,
            provider.providerId,
          );
        }
        keys.add(key);
        prepared.push(link);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        prepared.push(error);
      }
    }
    const failures = prepared.filter((p): p is ApiError => p instanceof ApiError);
    if (failures.length === inputs.length) throw combine(failures);
    const now = this.deps.clock.now();
    const rows = new Map(
      prepared.flatMap((link, index) =>
        link instanceof ApiError
          ? []
          : [
              [
                index,
                {
                  id: newId(),
                  user_id: userId,
                  provider_id: link.provider.providerId,
                  auth_type: link.credentials.type,
                  display_label: link.displayLabel.slice(0, 200),
                  identity_key: link.identityKey,
                  sealed: this.deps.box.seal(JSON.stringify(link.credentials)),
                  status: link.oauth ? ('pending' as const) : ('syncing' as const),
                  last_error: null,
                  tx_cursor: null,
                  oauth_state_hash: link.oauth?.stateHash ?? null,
                  last_refreshed_at: null,
                  last_refresh_requested_at: null,
                  created_at: now,
                  updated_at: now,
                },
              ] as const,
            ],
      ),
    );
    try {
      await this.deps.repo.insertMany([...rows.values()]);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ApiError(
          409,
          'conflict',
          'one of these providers was linked at the same moment',
          [...rows.values()][0]?.provider_id,
        );
      throw error;
    }
    await this.storeFiles(
      userId,
      [...rows].map(([index, row]) => ({ id: row.id, link: prepared[index] as PreparedLink })),
    );
    const results = inputs.map((input, index): LinkResult => {
      const row = rows.get(index);
      const oauth = (prepared[index] as PreparedLink | undefined)?.oauth;
      if (row && oauth)
        return { added: false, provider_id: row.provider_id, connection_id: row.id, redirect_url: oauth.redirectUrl };
      return row
        ? { added: true, provider_id: row.provider_id, connection_id: row.id }
        : { added: false, provider_id: input.provider_id };
    });
    return { results, errors: failures.flatMap((f) => f.toItems()) };
  }

  /**
   * Stores each CSV import's sealed file a part at a time, letting other requests run between
   * parts. If storing fails, the new connections are removed again: nothing is left half-written.
   */
  private async storeFiles(userId: string, stored: Array<{ id: string; link: PreparedLink }>): Promise<void> {
    try {
      for (const { id, link } of stored) {
        if (!link.file) continue;
        for (let part = 0; part < link.file.parts; part++) {
          await this.deps.repo.insertCsvPart(id, part, await link.file.worker.sealedPart(link.file.slot, part));
          await yieldToEventLoop();
        }
      }
    } catch (error) {
      await this.deps.repo.deleteMany(
        userId,
        stored.map((s) => s.id),
      );
      throw error;
    }
  }

  /** Unlinks by connection ids or provider ids; unknown ones make it a 404 and nothing is removed. */
  async unlink(userId: string, target: { connectionIds?: string[]; providerIds?: string[] }): Promise<string[]> {
    const mine = await this.deps.repo.listForUser(userId);
    const doomed = new Set<string>();
    const missing: ErrorItem[] = [];
    for (const id of target.connectionIds ?? []) {
      if (mine.some((c) => c.id === id)) doomed.add(id);
      else missing.push({ cause: 'not_found', message: `connection ${id} is not linked` });
    }
    for (const providerId of target.providerIds ?? []) {
      const matching = mine.filter((c) => c.providerId === providerId);
      if (matching.length === 0)
        missing.push({ provider_id: providerId, cause: 'not_found', message: `provider ${providerId} is not linked` });
      for (const c of matching) doomed.add(c.id);
    }
    if (missing.length)
      throw new ApiError(404, 'not_found', missing[0]!.message, missing[0]!.provider_id, undefined, missing);
    const ids = [...doomed];
    await this.deps.aroundUnlink(userId, ids, () => this.deps.repo.deleteMany(userId, ids));
    return ids;
  }

  async credentials(connectionId: string): Promise<Credentials | undefined> {
    const sealed = await this.deps.repo.sealedCredentials(connectionId);
    if (!sealed) return undefined;
    const credentials = JSON.parse(this.deps.box.open(sealed)) as Credentials;
    if (credentials.type === 'csv' && credentials.parts !== undefined) {
      credentials.file = {
        key: this.deps.box.derivedKey(),
        part: (index) => this.deps.repo.csvPart(connectionId, index),
      };
    }
    return credentials;
  }
}

function combine(failures: ApiError[]): ApiError {
  const first = failures[0]!;
  if (failures.length === 1) return first;
  return new ApiError(
    first.status,
    first.cause_,
    first.message,
    first.providerId,
    undefined,
    failures.flatMap((f) => f.toItems()),
  );
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
