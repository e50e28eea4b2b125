import type { LedgerEntry, Trade, Transaction } from 'ccxt';
import type { AssetRef } from '../../assets/asset-ref.ts';
import { exchangeAsset } from '../../assets/known-assets.ts';
import type { Category, NormalizedFee, NormalizedTransaction, TransactionStatus } from '../../ledger/normalized.ts';
import { parseUnits } from '../../money/amounts.ts';
import type { ExchangeDefinition } from './exchange-definition.ts';

/**
 * A decimal amount from ccxt (a string, as the engine sets `number = String`) in the asset's
 * base units, positive. Digits beyond the asset's decimals (an exchange keeping USDT to 8
 * places) are cut off: the amount is never rounded up, nor read through a float.
 */
export function units(value: unknown, asset: AssetRef): bigint | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value).trim();
  const match = /^-?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match) return undefined;
  const cut = `${match[1] || '0'}.${(match[2] ?? '').slice(0, asset.decimals)}`;
  const parsed = parseUnits(cut, asset.decimals);
  return parsed === undefined ? undefined : parsed < 0n ? -parsed : parsed;
}

const FIAT = new Set(['USD', 'EUR', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'TRY', 'BRL', 'SGD']);

/** ccxt's unified statuses, and the raw ones it passes through (`Pending`, `fail`, `Cancelled`, OKX's `11`). */
function status(value: string | undefined): TransactionStatus {
  const text = value?.toLowerCase();
  if (text === undefined || ['ok', 'closed', 'complete', 'completed', 'success'].includes(text)) return 'confirmed';
  if (['pending', 'processing', 'open'].includes(text)) return 'pending';
  return 'failed';
}

function exchangeFees(providerId: string, trade: Trade): NormalizedFee[] {
  // ccxt fills `fees` (several currencies) beside `fee`; its types name only `fee`.
  const several = (trade as Trade & { fees?: Array<Trade['fee']> }).fees;
  const all = several?.length ? several : trade.fee ? [trade.fee] : [];
  const fees: NormalizedFee[] = [];
  for (const fee of all) {
    if (!fee?.currency) continue;
    const asset = exchangeAsset(providerId, fee.currency);
    const quantity = units(fee.cost, asset);
    if (quantity) fees.push({ asset, quantity, kind: 'exchange' });
  }
  return fees;
}

/** An order-book trade: the bought side flows in, the paid side out, the exchange's fee apart. */
export function normalizeTrade(definition: ExchangeDefinition, trade: Trade): NormalizedTransaction | undefined {
  const id = definition.providerId;
  const [base, quote] = (trade.symbol ?? '').split(/[/:]/);
  if (!base || !quote || trade.timestamp === undefined) return undefined;
  const baseAsset = exchangeAsset(id, base);
  const quoteAsset = exchangeAsset(id, quote);
  const amount = units(trade.amount, baseAsset);
  const cost = units(trade.cost ?? multiply(trade.amount, trade.price), quoteAsset);
  if (!amount || cost === undefined) return undefined;
  const bought = { asset: baseAsset, quantity: amount };
  const paid = { asset: quoteAsset, quantity: cost };
  const buy = trade.side === 'buy';
  return {
    externalId: `trade:${trade.symbol}:${trade.id}`,
    timestamp: trade.timestamp,
    status: 'confirmed',
    category: 'trade',
    categorizationSource: 'provider',
    description: `${buy ? 'Bought' : 'Sold'} ${String(trade.amount)} ${base} at ${String(trade.price)} ${quote}`,
    inputs: cost === 0n && !buy ? [] : [buy ? bought : paid],
    outputs: [buy ? paid : bought],
    fees: exchangeFees(id, trade),
  };
}

/** amount × price as a decimal string, for trades whose cost the exchange leaves out. */
function multiply(a: unknown, b: unknown): string | undefined {
  if (a === undefined || b === undefined) return undefined;
  const [x, y] = [String(a), String(b)];
  const scale = (t: string) => (t.split('.')[1] ?? '').length;
  const digits = (t: string) => BigInt(t.replace('.', '') || '0');
  const places = scale(x) + scale(y);
  const product = (digits(x) * digits(y)).toString().padStart(places + 1, '0');
  return places ? `${product.slice(0, -places)}.${product.slice(-places)}` : product;
}

/**
 * A deposit or withdrawal. Crypto from or to outside is a receive or send (with the network
 * fee); fiat in or out is input_only or output_only, as the contract defines them.
 */
export function normalizeTransfer(
  definition: ExchangeDefinition,
  transfer: Transaction,
): NormalizedTransaction | undefined {
  const id = definition.providerId;
  if (!transfer.currency || transfer.timestamp === undefined) return undefined;
  const asset = exchangeAsset(id, transfer.currency);
  const quantity = units(transfer.amount, asset);
  if (!quantity) return undefined;
  const deposit = transfer.type === 'deposit';
  const fiat = FIAT.has(asset.symbol);
  const counterparty = (deposit ? transfer.addressFrom : transfer.addressTo) ?? undefined;
  const own = (deposit ? transfer.addressTo : transfer.addressFrom) ?? transfer.address ?? undefined;
  const leg = {
    asset,
    quantity,
    ...(counterparty ? { counterparty } : {}),
    ...(own && own !== counterparty ? { address: own } : {}),
  };
  const fees: NormalizedFee[] = [];
  if (!deposit && transfer.fee?.cost !== undefined) {
    const feeAsset = exchangeAsset(id, transfer.fee.currency ?? transfer.currency);
    const fee = units(transfer.fee.cost, feeAsset);
    if (fee) fees.push({ asset: feeAsset, quantity: fee, kind: fiat ? 'exchange' : 'network' });
  }
  const network = transfer.network ?? undefined;
  return {
    externalId: `${deposit ? 'deposit' : 'withdrawal'}:${transfer.id ?? transfer.txid ?? transfer.timestamp}`,
    timestamp: transfer.timestamp,
    status: status(transfer.status),
    category: deposit ? 'deposit' : 'withdrawal',
    categorizationSource: 'provider',
    type: fiat ? (deposit ? 'input_only' : 'output_only') : deposit ? 'receive' : 'send',
    ...(transfer.txid ? { txHash: transfer.txid } : {}),
    ...(network && !fiat ? { chain: network.toLowerCase() } : {}),
    description: `${deposit ? 'Deposit' : 'Withdrawal'} of ${String(transfer.amount)} ${asset.symbol}${network ? ` (${network})` : ''}`,
    inputs: deposit ? [leg] : [],
    outputs: deposit ? [] : [leg],
    fees,
  };
}

const SKIPPED = new Set(['trade', 'transaction', 'fee', 'transfer', 'margin', 'settlement', 'deposit', 'withdrawal']);
const KEPT: Record<string, Category> = {
  reward: 'staking_reward',
  staking: 'staking_reward',
  interest: 'interest',
  airdrop: 'airdrop',
  cashback: 'other',
  rebate: 'other',
  referral: 'other',
};

/**
 * Ledger entries the other calls do not report: rewards and interest one leg each, and
 * entries sharing a reference id with value in and out (a conversion, a dust sweep) one trade.
 */
export function normalizeLedger(definition: ExchangeDefinition, entries: LedgerEntry[]): NormalizedTransaction[] {
  const id = definition.providerId;
  const groups = new Map<string, Array<{ entry: LedgerEntry; category: Category | undefined }>>();
  for (const entry of entries) {
    const classified = definition.classifyLedger?.(entry);
    if (classified === 'skip') continue;
    const type = entry.type ?? '';
    if (classified === undefined && SKIPPED.has(type)) continue;
    const category = classified ?? KEPT[type];
    const key = category ? `entry:${entry.id}` : `ref:${entry.referenceId ?? entry.id}`;
    groups.set(key, [...(groups.get(key) ?? []), { entry, category }]);
  }
  const out: NormalizedTransaction[] = [];
  for (const [key, members] of groups) {
    const first = members[0]!.entry;
    if (first.timestamp === undefined) continue;
    const tx: NormalizedTransaction = {
      externalId: `ledger:${key.startsWith('entry:') ? first.id : (first.referenceId ?? first.id)}`,
      timestamp: first.timestamp,
      status: status(first.status),
      category: 'other',
      categorizationSource: 'provider',
      inputs: [],
      outputs: [],
      fees: [],
    };
    for (const { entry } of members) {
      if (!entry.currency) continue;
      const asset = exchangeAsset(id, entry.currency);
      const quantity = units(entry.amount, asset);
      if (quantity) (entry.direction === 'out' ? tx.outputs : tx.inputs).push({ asset, quantity });
      if (entry.fee?.currency && entry.fee.cost !== undefined) {
        const feeAsset = exchangeAsset(id, entry.fee.currency);
        const fee = units(entry.fee.cost, feeAsset);
        if (fee) tx.fees.push({ asset: feeAsset, quantity: fee, kind: 'exchange' });
      }
    }
    const category = members[0]!.category;
    tx.category = category ?? (tx.inputs.length && tx.outputs.length ? 'trade' : 'other');
    tx.description = `${first.type ?? 'ledger entry'}${first.referenceId ? ` ${first.referenceId}` : ''}`;
    if (tx.inputs.length || tx.outputs.length || tx.fees.length) out.push(tx);
  }
  return out;
}
