import { randomBytes } from 'node:crypto';
import { assetId } from '../assets/asset-ref.ts';
import type { Connection } from '../connections/connection.ts';
import type { TransactionRow } from '../ledger/transaction-repository.ts';
import { deriveType, type NormalizedTransaction } from '../ledger/normalized.ts';
import type { StoredLegs } from '../ledger/stored-legs.ts';
import { movesOnlySpam } from './spam-transactions.ts';

const NODE = randomBytes(5).toString('hex');
let lastMs = 0;
let sequence = 0;

/**
 * A new transaction id: time-ordered (so inserts append to the primary-key index), unique across
 * nodes by a per-process random suffix. An upsert of a known (connection, external id) keeps the
 * id it was first given.
 */
export function newTransactionId(now: number): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else sequence++;
  return `${lastMs.toString(36).padStart(9, '0')}${sequence.toString(36).padStart(5, '0')}${NODE}`;
}

/**
 * A normalized transaction as a row: legs as compact JSON, type derived from the legs. It waits
 * for pricing if a leg's asset has a price key, in its reference or (`keyed`, by id) as stored;
 * it is spam when it moved only the person's spam tokens (`spam`, by id).
 */
export function toTransactionRow(
  connection: Pick<Connection, 'id' | 'userId' | 'providerId'>,
  tx: NormalizedTransaction,
  now: number,
  keyed: ReadonlySet<string> = new Set(),
  spam: ReadonlySet<string> = new Set(),
): TransactionRow {
  const legs: StoredLegs = {
    i: tx.inputs.map((l) => ({
      a: assetId(l.asset),
      q: l.quantity.toString(),
      ...(l.address ? { ad: l.address } : {}),
      ...(l.counterparty ? { cp: l.counterparty } : {}),
    })),
    o: tx.outputs.map((l) => ({
      a: assetId(l.asset),
      q: l.quantity.toString(),
      ...(l.address ? { ad: l.address } : {}),
      ...(l.counterparty ? { cp: l.counterparty } : {}),
    })),
    f: tx.fees.map((f) => ({ a: assetId(f.asset), q: f.quantity.toString(), k: f.kind })),
  };
  const assets = [...tx.inputs, ...tx.outputs, ...tx.fees].map((l) => l.asset);
  const symbols = [...new Set(assets.map((a) => a.symbol))];
  return {
    id: newTransactionId(now),
    user_id: connection.userId,
    connection_id: connection.id,
    provider_id: connection.providerId,
    external_id: tx.externalId,
    timestamp: tx.timestamp,
    status: tx.status,
    type: tx.type ?? deriveType(tx),
    category: tx.category,
    categorization_source: tx.categorizationSource,
    is_internal_transfer: tx.isInternalTransfer ? 1 : 0,
    is_spam: movesOnlySpam(legs.i.map((l) => l.a).concat(legs.o.map((l) => l.a)), spam) ? 1 : 0,
    tx_hash: tx.txHash ?? null,
    chain: tx.chain ?? null,
    description: tx.description ?? null,
    legs: JSON.stringify(legs),
    symbols: symbols.length ? `|${symbols.join('|')}|` : '',
    needs_pricing: assets.some((a) => a.priceKey || keyed.has(assetId(a))) ? 1 : 0,
    updated_at: now,
  };
}
