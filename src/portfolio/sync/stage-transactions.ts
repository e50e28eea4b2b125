import { randomBytes } from 'node:crypto';
import { assetId, type AssetRef } from '../assets/asset-ref.ts';
import type { Connection } from '../connections/connection.ts';
import type { TransactionRow } from '../ledger/transaction-repository.ts';
import { deriveType, type NormalizedLeg, type NormalizedTransaction } from '../ledger/normalized.ts';
import type { StoredLeg, StoredLegs } from '../ledger/stored-legs.ts';

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

const NONE: ReadonlySet<string> = new Set();

/**
 * A normalized transaction as a row: legs as compact JSON, type derived from the legs. It waits
 * for pricing if a leg's asset has a price key, in its reference or (`keyed`, by id) as stored;
 * it is spam when it moved only the person's spam tokens (`spam`, by id). One pass over the legs:
 * a wallet's history is thousands of rows a page.
 */
export function toTransactionRow(
  connection: Pick<Connection, 'id' | 'userId' | 'providerId'>,
  tx: NormalizedTransaction,
  now: number,
  keyed: ReadonlySet<string> = NONE,
  spam: ReadonlySet<string> = NONE,
): TransactionRow {
  const symbols: string[] = [];
  let needsPricing = false;
  let onlySpam = tx.inputs.length + tx.outputs.length > 0;
  const note = (asset: AssetRef, id: string) => {
    if (!symbols.includes(asset.symbol)) symbols.push(asset.symbol);
    if (!needsPricing && (asset.priceKey || keyed.has(id))) needsPricing = true;
  };
  const leg = (l: NormalizedLeg): StoredLeg => {
    const a = assetId(l.asset);
    note(l.asset, a);
    if (onlySpam && !spam.has(a)) onlySpam = false;
    const stored: StoredLeg = { a, q: l.quantity.toString() };
    if (l.address) stored.ad = l.address;
    if (l.counterparty) stored.cp = l.counterparty;
    return stored;
  };
  const legs: StoredLegs = {
    i: tx.inputs.map(leg),
    o: tx.outputs.map(leg),
    f: tx.fees.map((f) => {
      const a = assetId(f.asset);
      note(f.asset, a);
      return { a, q: f.quantity.toString(), k: f.kind };
    }),
  };
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
    is_spam: onlySpam ? 1 : 0,
    tx_hash: tx.txHash ?? null,
    chain: tx.chain ?? null,
    description: tx.description ?? null,
    legs: JSON.stringify(legs),
    symbols: symbols.length ? `|${symbols.join('|')}|` : '',
    needs_pricing: needsPricing ? 1 : 0,
    updated_at: now,
  };
}
