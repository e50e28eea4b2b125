import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { startSmtpCapture } from '../../helpers/smtp.ts';
import type { SmtpCapture } from '../../helpers/oauth-server.ts';
import { freePort } from '../../helpers/server.ts';
import { BitcoinTestWallet } from '../../portfolio/support/bitcoin-wallet.ts';
import { EsploraServer } from '../../portfolio/support/esplora-server.ts';
import { ConsentryNode } from './consentry-node.ts';
import { EsploraGate } from './esplora-gate.ts';
import { PostgresCluster } from './postgres-cluster.ts';
import { RedisServer } from './redis-server.ts';
import { WebhookSink } from './webhook-sink.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../bin/consentry.js', import.meta.url));

export interface DeploymentOptions {
  database: 'postgres' | 'sqlite';
  nodes: number;
  redis: boolean;
  /** Wallets with history in the Esplora stand-in, one per person. */
  wallets: number;
  /** How long the stand-in holds each answer (a sync then lasts long enough to be interrupted). */
  esploraDelayMs: number;
}

// Tuned for the faults: a dead node's jobs are taken over after 5 s, revocations cached 5 s, and
// a refresh retried within 30 s of a rotation whose answer was lost gets its successor (a lone
// SQLite node takes up to ~10 s to serve again on a busy 2-core machine).
export const REVOCATION_CACHE_MS = 5000;
export const ROTATION_GRACE_MS = 30_000;

/**
 * Everything one scenario runs on, all on 127.0.0.1: its own PostgreSQL cluster (or a SQLite
 * file), its own Redis, a mail server for sign-in codes, an Esplora stand-in with a wallet per
 * person behind a gate that tells the nodes apart, a webhook receiver, and the Consentry nodes.
 */
export class Deployment {
  readonly dir = mkdtempSync(join(tmpdir(), 'consentry-faults-'));
  postgres: PostgresCluster | undefined;
  redis: RedisServer | undefined;
  smtp!: SmtpCapture;
  esplora = new EsploraServer();
  gate!: EsploraGate;
  sink = new WebhookSink(50);
  nodes: ConsentryNode[] = [];
  wallet = new BitcoinTestWallet();
  addresses: string[] = [];
  databaseUrl = '';
  issuer = '';
  private sqlite: Sqlite.Database | undefined;
  /** Set when a check failed: the nodes' logs and the database stay for a look. */
  keep = false;

  constructor(readonly options: DeploymentOptions) {}

  async start(): Promise<void> {
    const { options } = this;
    if (options.database === 'postgres') {
      this.postgres = await PostgresCluster.create();
      await this.postgres.start();
      this.databaseUrl = await this.postgres.createDatabase('consentry');
    } else {
      this.databaseUrl = `sqlite:${join(this.dir, 'consentry.db')}`;
    }
    if (options.redis) this.redis = await RedisServer.create();
    this.smtp = await startSmtpCapture();
    for (let i = 0; i < options.wallets; i++) {
      const key = this.wallet.key(0, i);
      this.esplora.add(this.wallet.coinbase(key, BigInt(10_000_000 * (i + 1))).tx, 100 + i);
      this.addresses.push(this.wallet.address(key));
    }
    await this.esplora.start();
    this.gate = new EsploraGate(this.esplora.url, options.esploraDelayMs);
    await this.gate.start();
    await this.sink.start();

    const ports = await Promise.all(Array.from({ length: options.nodes }, () => freePort()));
    this.issuer = `http://127.0.0.1:${ports[0]}`;
    this.nodes = ports.map(
      (port, i) =>
        new ConsentryNode(`node-${i + 1}`, port, this.env(`node-${i + 1}`), join(this.dir, `node-${i + 1}.log`)),
    );
    // The first node migrates; the others start together once the schema is there.
    await this.nodes[0]!.start();
    await Promise.all(this.nodes.slice(1).map((node) => node.start()));
  }

  /** The environment of one node (every node shares database, secret key and issuer). */
  env(name: string): Record<string, string> {
    return {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      ISSUER: this.issuer,
      DATABASE_URL: this.databaseUrl,
      SECRET_KEY: 'ZmF1bHQtc3VpdGUtc2VjcmV0LWtleS0zMi1ieXRlcyE',
      ...(this.redis ? { REDIS_URL: this.redis.url } : {}),
      SMTP_URL: this.smtp.url,
      OTP_RESEND_SECONDS: '0',
      LOG_LEVEL: 'warn',
      JANITOR_INTERVAL_SECONDS: '0',
      JOBS_LEASE_SECONDS: '5',
      JOBS_POLL_MS: '200',
      REVOCATION_CACHE_MS: String(REVOCATION_CACHE_MS),
      REFRESH_REUSE_GRACE_SECONDS: String(ROTATION_GRACE_MS / 1000),
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_STATEMENT_TIMEOUT_MS: '3000',
      AUTHORIZE_RATE_LIMIT_PER_MINUTE: '100000',
      SIGNIN_RATE_LIMIT_PER_MINUTE: '1000',
      ESPLORA_URL: this.gate.urlFor(name),
      COINGECKO_API_URL: 'http://127.0.0.1:9',
      PORTFOLIO_REFRESH_COOLDOWN_SECONDS: '0',
      WEBHOOK_TIMEOUT_MS: '3000',
    };
  }

  /** Runs the real CLI (`consentry <args>`) against this deployment's database; its stdout. */
  async cli(args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...this.env('cli'), LOG_LEVEL: 'error' },
    });
    return stdout;
  }

  /** One query straight against the database, for the checks (`?` placeholders on both). */
  async query<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    if (this.options.database === 'sqlite') {
      this.sqlite ??= new Sqlite(this.databaseUrl.slice('sqlite:'.length), { readonly: true });
      return this.sqlite.prepare(text).all(...params) as T[];
    }
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      let n = 0;
      return (
        await client.query(
          text.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Closes the read-only SQLite handle (before the file is checked or a node is killed). */
  closeDatabaseHandle(): void {
    this.sqlite?.close();
    this.sqlite = undefined;
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    this.closeDatabaseHandle();
    await Promise.all([this.sink.close(), this.gate?.close(), this.esplora.close(), this.smtp?.close()]);
    await this.redis?.kill();
    await this.postgres?.destroy();
    if (this.keep) console.log(`fault suite: the nodes' logs and data are kept in ${this.dir}`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}
