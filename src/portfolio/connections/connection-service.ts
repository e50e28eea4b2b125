import type { SecretBox } from '../../kernel/crypto/secret-box.ts';
import { newId } from '../../kernel/crypto/tokens.ts';
import { yieldToEventLoop } from '../../kernel/threads/module-worker.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { ApiError, badRequest, notFound, type ErrorItem } from '../errors.ts';
import type { Connection, Credentials } from './connection.ts';
import type { Db } from '../../kernel/db/database.ts';
import type { ConnectionRepository } from './connection-repository.ts';
import type { LinkInput, LinkResult } from './link-input.ts';
import { CsvWorker, type CsvLimits } from '../sources/csv/parse-off-thread.ts';
import type { CredentialVerifier, WalletNameResolver } from '../sources/create-source.ts';
import type { OAuthLinking } from './oauth-linking.ts';
import { prepareLink, type PreparedLink } from './prepare-link.ts';
import { ALL_EVM_NETWORKS, planAllNetworks } from './all-networks.ts';
import type { NetworkActivity } from '../sources/evm/discover-networks.ts';

/** What linking stored: the answer, and the uploads whose syncs are still to be queued. */
interface Linked {
  results: LinkResult[];
  errors: ErrorItem[];
  uploads: string[];
}

export interface ConnectionServiceDeps {
  catalog: Catalog;
  repo: ConnectionRepository;
  box: SecretBox;
  clock: Clock;
  /**
   * Queues the first sync of a new connection (a durable job), `within` the transaction that
   * stores it where it can: a crash between the two would leave it "syncing" with nothing to sync it.
   */
  queueSync(connectionId: string, within?: Db): Promise<void>;
  /** Looks for the queued syncs now, after their transaction committed. */
  wakeSyncs(): void;
  /** Size and row limits of a CSV import. */
  csvLimits: CsvLimits;
  /** Checks credentials with the provider before they are stored (a real read call). */
  verifyCredentials: CredentialVerifier;
  /** Resolves a name typed as a wallet address (ENS) to the address it stands for. */
  resolveWalletName: WalletNameResolver;
  /** Links by the exchange's own OAuth. */
  oauth: OAuthLinking;
  /** Which EVM networks an address has used (for "all networks"). */
  discoverNetworks(address: string): Promise<NetworkActivity[]>;
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
    let linked: Linked;
    try {
      linked = await this.linkWith(userId, inputs, () => (worker ??= this.csvWorker()));
    } finally {
      await worker?.close();
    }
    // Once the upload's CSV worker is free (the sync may take it over warm), the syncs start;
    // an OAuth link's starts when the exchange sends the person back. An upload's is queued now:
    // its file was stored after its row, part by part.
    for (const id of linked.uploads) await this.deps.queueSync(id);
    if (linked.results.some((result) => result.added)) this.deps.wakeSyncs();
    return { results: linked.results, errors: linked.errors };
  }

  private async linkWith(userId: string, inputs: LinkInput[], csvWorker: () => CsvWorker): Promise<Linked> {
    const planned: Array<Planned | ApiError> = [];
    const keys = new Set<string>();
    const taken = async (providerId: string, identityKey: string) =>
      keys.has(`${providerId}\u0000${identityKey}`) ||
      !!(await this.deps.repo.findByIdentity(userId, providerId, identityKey));
    for (const input of inputs) {
      try {
        const plan = await this.plan(input, csvWorker, taken);
        for (const link of plan.links) keys.add(`${link.provider.providerId}\u0000${link.identityKey}`);
        planned.push(plan);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        planned.push(error);
      }
    }
    const failures = planned.filter((p): p is ApiError => p instanceof ApiError);
    if (failures.length === inputs.length) throw combine(failures);
    const now = this.deps.clock.now();
    // One row per link; an "all networks" input has one per network.
    const rows = planned.map((plan) =>
      plan instanceof ApiError
        ? []
        : plan.links.map((link) => ({
            link,
            row: {
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
          })),
    );
    const all = rows.flat();
    try {
      await this.deps.repo.insertMany(
        all.map((r) => r.row),
        async (trx) => {
          // An upload's file is stored after this commits, part by part: its sync is queued after that (link).
          for (const { link, row } of all) if (!link.oauth && !link.file) await this.deps.queueSync(row.id, trx);
        },
      );
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ApiError(
          409,
          'conflict',
          'one of these providers was linked at the same moment',
          all[0]?.row.provider_id,
        );
      throw error;
    }
    await this.storeFiles(
      userId,
      all.map(({ row, link }) => ({ id: row.id, link })),
    );
    const results = inputs.map((input, index): LinkResult => {
      const plan = planned[index]!;
      const made = rows[index]!;
      if (plan instanceof ApiError) return { added: false, provider_id: input.provider_id };
      if (plan.networks)
        return {
          added: made.length > 0,
          provider_id: input.provider_id,
          ...(made[0] ? { connection_id: made[0].row.id } : {}),
          networks: made.map(({ row }) => ({ provider_id: row.provider_id, connection_id: row.id })),
        };
      const { row, link } = made[0]!;
      if (link.oauth)
        return {
          added: false,
          provider_id: row.provider_id,
          connection_id: row.id,
          redirect_url: link.oauth.redirectUrl,
        };
      return { added: true, provider_id: row.provider_id, connection_id: row.id };
    });
    const partial = planned.flatMap((p) => (p instanceof ApiError ? [] : p.errors));
    return {
      results,
      errors: [...failures.flatMap((f) => f.toItems()), ...partial],
      uploads: all.filter(({ link }) => !link.oauth && link.file).map(({ row }) => row.id),
    };
  }

  /**
   * Checks one input and plans its links: one, or one per network with activity for "all
   * networks". A duplicate is a 409; so is "all networks" when every active network is linked.
   */
  private async plan(
    input: LinkInput,
    csvWorker: () => CsvWorker,
    taken: (providerId: string, identityKey: string) => Promise<boolean>,
  ): Promise<Planned> {
    const provider = this.deps.catalog.find(input.provider_id);
    if (!provider)
      throw notFound(
        `provider ${input.provider_id} is not in the catalogue (GET /platform/v2/providers/catalog)`,
        input.provider_id,
      );
    if (provider.providerId === ALL_EVM_NETWORKS && input.connection.type === 'wallet' && input.connection.chain)
      throw badRequest(
        `provider ${ALL_EVM_NETWORKS} links every network where the address has activity; to link one network, use its own provider (e.g. ${input.connection.chain})`,
        provider.providerId,
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
    if (provider.providerId === ALL_EVM_NETWORKS) {
      const plan = await planAllNetworks(link, {
        catalog: this.deps.catalog,
        discover: this.deps.discoverNetworks,
        isLinked: taken,
      });
      if (plan.links.length === 0 && plan.errors.length === 0)
        throw new ApiError(
          409,
          'conflict',
          `this address is already linked on every network where it has activity (${plan.alreadyLinked.join(', ')})`,
          provider.providerId,
        );
      if (plan.links.length === 0)
        throw new ApiError(
          503,
          'provider_unavailable',
          plan.errors[0]!.message,
          provider.providerId,
          undefined,
          plan.errors,
        );
      return { links: plan.links, errors: plan.errors, networks: true };
    }
    if (await taken(provider.providerId, link.identityKey)) {
      throw new ApiError(
        409,
        'conflict',
        `this ${provider.name} ${link.credentials.type === 'csv' ? 'file' : 'account'} is already linked`,
        provider.providerId,
      );
    }
    return { links: [link], errors: [] };
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

  /**
   * Unlinks by connection ids or provider ids; unknown ones make it a 404 and nothing is removed.
   * `visible`: the connections the asking app may see; the others count as unknown to it.
   */
  async unlink(
    userId: string,
    target: { connectionIds?: string[]; providerIds?: string[] },
    visible?: ReadonlySet<string>,
  ): Promise<string[]> {
    const mine = (await this.deps.repo.listForUser(userId)).filter((c) => !visible || visible.has(c.id));
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

/** What one input will link: its links, and the networks that could not be asked (partial "all networks"). */
interface Planned {
  links: PreparedLink[];
  errors: ErrorItem[];
  networks?: true;
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
