import { randomBytes } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { ROTATION_GRACE_MS, type Deployment } from './deployment.ts';
import { authorize, PORTFOLIO_SCOPE, SCHEDULING_SCOPE, type Chain, type FaultClient, type Person } from './people.ts';
import type { Answer, Traffic } from './traffic.ts';

/** A client's pause before trying again after no answer or a 503 (not a test's wait). */
const RETRY_PAUSE_MS = 250;
/** How long a client keeps retrying one refresh while no node answers. */
const REFRESH_RETRY_MS = 60_000;

const MAX_CHAINS = 40;

export interface Booked {
  id: string;
  start: string;
  person: Person;
}

type Operation = () => Promise<void>;

/**
 * The mixed load: a few workers, each repeatedly doing one of the things apps do — a code
 * exchange, a rotating refresh, an introspection, a Platform API read, a scheduling API read, a
 * booking (two at once for one slot, at two nodes), a portfolio refresh (a sync job) — at nodes
 * in turn. It remembers everything a node answered, for the checks that follow the faults.
 */
export class Load {
  readonly chains: Chain[] = [];
  readonly bookings: Booked[] = [];
  readonly syncs: Array<{ refreshId: string; chain: Chain }> = [];
  /** Webhook repeats the checks already counted (in an earlier scenario). */
  webhookRepeatsSeen = 0;
  private running: Promise<void>[] = [];
  private stopping = false;
  private readonly operations: Array<[number, Operation]>;

  constructor(
    private readonly deployment: Deployment,
    readonly traffic: Traffic,
    private readonly client: FaultClient,
    readonly people: Person[],
  ) {
    this.operations = [
      [1, async () => void (await this.exchangeCode())],
      [4, () => this.rotate()],
      [3, () => this.introspect()],
      [2, () => this.readPortfolio()],
      [1, () => this.readScheduling()],
      [2, () => this.bookTwice()],
      [1, () => this.requestSync()],
    ];
  }

  start(workers = 6): void {
    this.stopping = false;
    this.running = Array.from({ length: workers }, () => this.work());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  private async work(): Promise<void> {
    const total = this.operations.reduce((n, [weight]) => n + weight, 0);
    while (!this.stopping) {
      let roll = Math.random() * total;
      const [, operation] = this.operations.find(([weight]) => (roll -= weight) < 0)!;
      const before = this.traffic.tally.statuses['no answer'] ?? 0;
      try {
        await operation();
      } catch (error) {
        // A code flow cut by a fault ends here: its pages already counted their answers.
        if (!isTransient(error)) this.traffic.tally.unexpected.push(`load: ${(error as Error).message}`);
      }
      if ((this.traffic.tally.statuses['no answer'] ?? 0) > before) await pause(RETRY_PAUSE_MS);
    }
  }

  /**
   * A new chain: the authorization request and the code exchange at two nodes in turn. Kept for
   * the checks unless `keep` is false (a probe the suite revokes).
   */
  async exchangeCode(person?: Person, kind?: Chain['kind'], keep = true): Promise<Chain | undefined> {
    if (!person && this.chains.length >= MAX_CHAINS) return undefined;
    const who = person ?? pickOne(this.people);
    const what = kind ?? (Math.random() < 0.5 ? 'scheduling' : 'portfolio');
    const scope = what === 'scheduling' ? SCHEDULING_SCOPE : PORTFOLIO_SCOPE;
    const { code, verifier } = await authorize(
      this.deployment,
      this.traffic.pick(),
      who,
      this.client,
      scope,
      this.traffic,
    );
    const answer = await this.traffic.send(this.traffic.pick(), '/oauth/token', {
      form: { grant_type: 'authorization_code', code, redirect_uri: this.client.redirectUri, code_verifier: verifier },
      headers: { authorization: this.client.auth },
    });
    if (answer?.status !== 200) {
      if (answer && answer.status !== 503) this.unexpected('code exchange', answer);
      return undefined;
    }
    const chain: Chain = {
      kind: what,
      person: who,
      access: answer.json.access_token,
      refresh: answer.json.refresh_token,
      refreshes: [answer.json.refresh_token],
      liveAccess: [answer.json.access_token],
      busy: false,
    };
    if (keep) this.chains.push(chain);
    return chain;
  }

  /** One rotation of a free chain. */
  private async rotate(): Promise<void> {
    const chain = this.take(() => true);
    if (!chain) return;
    try {
      await this.refresh(chain);
    } finally {
      chain.busy = false;
    }
  }

  /**
   * Rotates `chain` as a careful client does: without an answer (or with a 503) it sends the
   * same refresh token again, at the next node, until one answers; a rotation that committed
   * before its answer was lost is answered again with the same successor. True when rotated.
   */
  async refresh(chain: Chain): Promise<boolean> {
    const until = Date.now() + REFRESH_RETRY_MS;
    let unanswered: number | undefined; // when an attempt that may have committed went unanswered
    for (;;) {
      const sentAt = Date.now();
      const answer = await this.traffic.send(this.traffic.pick(), '/oauth/token', {
        form: { grant_type: 'refresh_token', refresh_token: chain.refresh },
        headers: { authorization: this.client.auth },
      });
      if (!answer) unanswered ??= sentAt;
      if (answer?.status === 200) {
        chain.access = answer.json.access_token;
        chain.refresh = answer.json.refresh_token;
        chain.refreshes.push(chain.refresh);
        // The scheduling profile revokes the previous access token at each rotation.
        chain.liveAccess = chain.kind === 'scheduling' ? [chain.access] : [...chain.liveAccess, chain.access];
        return true;
      }
      // A retry inside the grace window gets the successor of a rotation whose answer was lost;
      // one after it is reuse, and ends the family as designed (here: no node for that long).
      if (answer?.status === 400 && unanswered !== undefined && Date.now() - unanswered > ROTATION_GRACE_MS) {
        this.traffic.tally.lateRetries++;
        chain.busy = true; // the family has ended, as designed: never used or checked again
        return false;
      }
      if (answer && answer.status !== 503) {
        this.traffic.tally.lostWrites++;
        this.unexpected(`refresh of a ${chain.kind} chain`, answer);
        chain.busy = true; // never used again
        return false;
      }
      if (Date.now() > until) {
        this.traffic.tally.unexpected.push(`a refresh found no node to answer for ${REFRESH_RETRY_MS} ms`);
        return false;
      }
      await pause(RETRY_PAUSE_MS);
    }
  }

  /** Introspects one token a node answered (its chain held, so no rotation revokes it meanwhile). */
  private async introspect(): Promise<void> {
    const chain = this.take(() => true);
    if (!chain) return;
    try {
      const token = pickOne(chain.liveAccess);
      const answer = await this.traffic.send(this.traffic.pick(), '/oauth/introspect', {
        form: { token },
        headers: { authorization: this.client.auth },
      });
      if (answer?.status === 200 && answer.json.active !== true) this.unexpected('introspection (inactive)', answer);
      else if (answer && answer.status !== 200 && answer.status !== 503) this.unexpected('introspection', answer);
    } finally {
      chain.busy = false;
    }
  }

  private async readPortfolio(): Promise<void> {
    const chain = this.take((c) => c.kind === 'portfolio');
    if (!chain) return;
    try {
      const answer = await this.traffic.send(this.traffic.pick(), '/platform/v2/assets', {
        headers: { authorization: `Bearer ${pickOne(chain.liveAccess)}` },
      });
      if (answer && answer.status !== 200 && answer.status !== 503) this.unexpected('GET /platform/v2/assets', answer);
    } finally {
      chain.busy = false;
    }
  }

  private async readScheduling(): Promise<void> {
    const chain = this.take((c) => c.kind === 'scheduling');
    if (!chain) return;
    try {
      const answer = await this.traffic.send(this.traffic.pick(), '/api/v2/me', {
        headers: { authorization: `Bearer ${chain.access}` },
      });
      if (answer && answer.status !== 200 && answer.status !== 503) this.unexpected('GET /api/v2/me', answer);
    } finally {
      chain.busy = false;
    }
  }

  /** Two invitees ask for the same slot at two nodes at once: one 201 at most. */
  private async bookTwice(): Promise<void> {
    const chain = this.take((c) => c.kind === 'scheduling');
    if (!chain) return;
    try {
      const person = chain.person;
      const start = person.slots[person.nextSlot++ % person.slots.length]!;
      const book = (node = this.traffic.pick()) =>
        this.traffic.send(node, '/api/v2/bookings', {
          body: {
            eventTypeId: person.eventTypeId,
            start,
            invitee: { name: 'Load', email: `i-${randomBytes(4).toString('hex')}@example.com`, timezone: 'UTC' },
          },
          headers: { authorization: `Bearer ${chain.access}` },
        });
      const answers = await Promise.all([book(), book()]);
      for (const answer of answers) {
        if (answer?.status === 201) this.bookings.push({ id: answer.json.id, start, person });
        else if (answer && answer.status !== 409 && answer.status !== 503)
          this.unexpected('POST /api/v2/bookings', answer);
      }
      if (answers.every((a) => a?.status === 201)) this.traffic.tally.duplicates++;
    } finally {
      chain.busy = false;
    }
  }

  /** A portfolio refresh: a sync job per linked wallet, run by whichever node claims it. */
  private async requestSync(): Promise<void> {
    const chain = this.take((c) => c.kind === 'portfolio');
    if (!chain) return;
    try {
      const answer = await this.traffic.send(this.traffic.pick(), '/platform/v2/assets/refresh', {
        method: 'POST',
        headers: { authorization: `Bearer ${pickOne(chain.liveAccess)}` },
      });
      if (answer?.status === 202) this.syncs.push({ refreshId: answer.json.data.refresh_id, chain });
      // 429: another node took the same wallet's refresh a moment before (the cooldown is 0 s,
      // but the claims of two nodes can commit out of the order of their clocks).
      else if (answer && answer.status !== 503 && answer.status !== 429)
        this.unexpected('POST /platform/v2/assets/refresh', answer);
    } finally {
      chain.busy = false;
    }
  }

  /** Holds a free chain matching `fits` (one user at a time, as one client instance would). */
  take(fits: (chain: Chain) => boolean): Chain | undefined {
    const free = this.chains.filter((c) => !c.busy && fits(c));
    const chain = free.length ? pickOne(free) : undefined;
    if (chain) chain.busy = true;
    return chain;
  }

  private unexpected(what: string, answer: Answer): void {
    this.traffic.tally.unexpected.push(`${what}: ${answer.status} ${JSON.stringify(answer.json).slice(0, 200)}`);
  }
}

function pickOne<T>(items: T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

/** A request cut by a fault: the connection refused or reset, or a page answered 503. */
function isTransient(error: unknown): boolean {
  const message = (error as Error).message ?? '';
  return message === 'fetch failed' || / 503 /.test(message) || message.startsWith('no code from');
}
