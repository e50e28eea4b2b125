import { exchangeAsset } from '../../../assets/known-assets.ts';
import type {
  BalanceItem,
  Category,
  NormalizedFee,
  NormalizedLeg,
  NormalizedTransaction,
  TransactionStatus,
} from '../../../ledger/normalized.ts';
import { parseUnits } from '../../../money/amounts.ts';
import {
  accountCurrency,
  asObject,
  readMoney,
  readObject,
  readString,
  type Json,
  type V2Money,
} from './coinbase-v2-json.ts';

/**
 * Coinbase's v2 wallet API (what an OAuth-linked Coinbase account and a CDP key both read at
 * /v2/accounts and /v2/accounts/:id/transactions) mapped to the engine's types. Pure: the
 * caller pages the API and hands each account and transaction over.
 * @see https://docs.cdp.coinbase.com/coinbase-app/track-apis/transactions
 */

const PROVIDER = 'coinbase';

/** Balances of every v2 account, summed per currency (vaults and wallets of one coin are one position); zeros left out. */
export function coinbaseV2Balances(accounts: unknown[]): BalanceItem[] {
  const totals = new Map<string, bigint>();
  for (const item of accounts) {
    const balance = readMoney(asObject(item), 'balance');
    if (!balance) continue;
    const quantity = quantityOf(balance);
    totals.set(balance.currency, (totals.get(balance.currency) ?? 0n) + quantity);
  }
  return [...totals]
    .filter(([, quantity]) => quantity !== 0n)
    .map(([currency, quantity]) => ({ asset: exchangeAsset(PROVIDER, currency), quantity }));
}

const STATUSES: Record<string, TransactionStatus> = {
  completed: 'confirmed',
  pending: 'pending',
  waiting_for_clearing: 'pending',
  waiting_for_signature: 'pending',
  failed: 'failed',
  expired: 'failed',
  canceled: 'failed',
};

const REWARDS: Record<string, Category> = {
  staking_reward: 'staking_reward',
  inflation_reward: 'staking_reward',
  interest: 'interest',
};

/** Moves between the person's own Coinbase products (the old Pro, Coinbase Exchange, vaults). */
const INTERNAL = new Set([
  'exchange_deposit',
  'exchange_withdrawal',
  'pro_deposit',
  'pro_withdrawal',
  'transfer',
  'vault_withdrawal',
]);

/**
 * One v2 transaction of one account. `externalId` is the transaction id, except for a conversion
 * (`trade`), which Coinbase lists once in each account: both halves carry `trade:<trade id>` and
 * {@link mergeCoinbaseV2Halves} joins them into one input_output trade. Undefined when the
 * transaction moved nothing.
 */
export function coinbaseV2Transaction(account: unknown, tx: unknown): NormalizedTransaction | undefined {
  const object = asObject(tx);
  const id = readString(object, 'id');
  const created = Date.parse(readString(object, 'created_at') ?? '');
  const money = readMoney(object, 'amount');
  if (!object || !id || Number.isNaN(created) || !money) return undefined;
  const type = readString(object, 'type') ?? 'unknown';
  const signed = quantityOf(money);
  if (signed === 0n) return undefined;
  const leg: NormalizedLeg = {
    asset: exchangeAsset(PROVIDER, money.currency),
    quantity: signed < 0n ? -signed : signed,
  };
  const incoming = signed > 0n;
  const base = {
    externalId: id,
    timestamp: created,
    status: STATUSES[readString(object, 'status') ?? ''] ?? 'pending',
    categorizationSource: 'provider' as const,
    ...describe(object),
  };
  const oneSided = (category: Category, extra: Partial<NormalizedTransaction> = {}): NormalizedTransaction => ({
    ...base,
    category,
    inputs: incoming ? [leg] : [],
    outputs: incoming ? [] : [leg],
    fees: [],
    ...extra,
  });
  if (type === 'send') return mapSend(object, base, leg, incoming);
  if (type === 'buy' || type === 'sell') return mapBuyOrSell(object, type, base, leg);
  if (type === 'trade') {
    const tradeId = readString(readObject(object, 'trade'), 'id');
    return oneSided('trade', tradeId ? { externalId: `trade:${tradeId}` } : {});
  }
  if (type === 'advanced_trade_fill')
    return oneSided('trade', { fees: fillCommission(object, accountCurrency(asObject(account)) ?? money.currency) });
  if (REWARDS[type]) return oneSided(REWARDS[type]);
  if (type === 'fiat_deposit') return oneSided('deposit');
  if (type === 'fiat_withdrawal') return oneSided('withdrawal');
  if (INTERNAL.has(type)) return oneSided('transfer', { isInternalTransfer: true });
  return { ...oneSided('other'), categorizationSource: 'heuristic' };
}

/** Joins the halves sharing an externalId (a conversion's two accounts) into one transaction, in order of first appearance. */
export function mergeCoinbaseV2Halves(transactions: NormalizedTransaction[]): NormalizedTransaction[] {
  const byId = new Map<string, NormalizedTransaction>();
  for (const tx of transactions) {
    const seen = byId.get(tx.externalId);
    if (!seen) {
      byId.set(tx.externalId, tx);
      continue;
    }
    byId.set(tx.externalId, {
      ...seen,
      timestamp: Math.min(seen.timestamp, tx.timestamp),
      status:
        seen.status === tx.status
          ? seen.status
          : seen.status === 'failed' || tx.status === 'failed'
            ? 'failed'
            : 'pending',
      inputs: [...seen.inputs, ...tx.inputs],
      outputs: [...seen.outputs, ...tx.outputs],
      fees: [...seen.fees, ...tx.fees],
    });
  }
  return [...byId.values()];
}

type Base = Pick<NormalizedTransaction, 'externalId' | 'timestamp' | 'status' | 'categorizationSource' | 'description'>;

/** A crypto send: in is a deposit from someone, out a withdrawal to someone, with the network fee Coinbase paid. */
function mapSend(tx: Json, base: Base, leg: NormalizedLeg, incoming: boolean): NormalizedTransaction {
  const network = readObject(tx, 'network');
  const chain = {
    ...optional('txHash', readString(network, 'hash')),
    ...optional('chain', readString(network, 'network_name')),
  };
  if (incoming) {
    const own = readString(readObject(tx, 'to'), 'address');
    const from = party(readObject(tx, 'from'));
    const input = { ...leg, ...optional('address', own), ...optional('counterparty', from) };
    // From outside Coinbase: a receive, even when the sender's address is not known.
    return { ...base, ...chain, category: 'deposit', type: 'receive', inputs: [input], outputs: [], fees: [] };
  }
  // `amount` is what left the account, fee included; `transaction_amount` what the recipient got.
  const fee = readMoney(network, 'transaction_fee');
  const sent = readMoney(network, 'transaction_amount');
  const fees: NormalizedFee[] = fee && quantityOf(fee) > 0n ? [{ ...money(fee), kind: 'network' }] : [];
  const quantity = sent ? money(sent).quantity : leg.quantity - (fees[0]?.quantity ?? 0n);
  const output = { ...leg, quantity, ...optional('counterparty', party(readObject(tx, 'to'))) };
  return { ...base, ...chain, category: 'withdrawal', type: 'send', inputs: [], outputs: [output], fees };
}

/**
 * A simple buy or sell. With `expand=all` the `buy`/`sell` object carries `subtotal` (the other
 * side, before fee) and `fee`; without it only the crypto side is known.
 */
function mapBuyOrSell(tx: Json, type: 'buy' | 'sell', base: Base, leg: NormalizedLeg): NormalizedTransaction {
  const detail = readObject(tx, type);
  const subtotal = readMoney(detail, 'subtotal');
  const fee = readMoney(detail, 'fee');
  const other = subtotal && quantityOf(subtotal) !== 0n ? [money(subtotal)] : [];
  const fees: NormalizedFee[] = fee && quantityOf(fee) > 0n ? [{ ...money(fee), kind: 'exchange' }] : [];
  return type === 'buy'
    ? { ...base, category: 'trade', inputs: [leg], outputs: other, fees }
    : { ...base, category: 'trade', inputs: other, outputs: [leg], fees };
}

/** An Advanced Trade fill's commission is charged in the quote currency: it belongs to the quote account's half. */
function fillCommission(tx: Json, accountCurrencyCode: string): NormalizedFee[] {
  const fill = readObject(tx, 'advanced_trade_fill');
  const quote = readString(fill, 'product_id')?.split('-')[1];
  const commission = readString(fill, 'commission');
  if (!commission || quote !== accountCurrencyCode) return [];
  const fee = money({ amount: commission, currency: quote });
  return fee.quantity > 0n ? [{ ...fee, kind: 'exchange' }] : [];
}

function describe(tx: Json): Pick<NormalizedTransaction, 'description'> {
  const details = readObject(tx, 'details');
  const text = [readString(details, 'title'), readString(details, 'subtitle')].filter(Boolean).join(' — ');
  const description = text || readString(tx, 'description');
  return description ? { description } : {};
}

/** Who is on the other side: an address, an email, or a named Coinbase user. */
function party(object: Json | undefined): string | undefined {
  return readString(object, 'address') ?? readString(object, 'email') ?? readString(object, 'name');
}

function money(value: V2Money): NormalizedLeg {
  const quantity = quantityOf(value);
  return { asset: exchangeAsset(PROVIDER, value.currency), quantity: quantity < 0n ? -quantity : quantity };
}

/** Base units of a v2 amount; a value more precise than the asset's decimals is a wire error, not data to round. */
function quantityOf(value: V2Money): bigint {
  const quantity = parseUnits(value.amount, exchangeAsset(PROVIDER, value.currency).decimals);
  if (quantity === undefined) throw new Error(`coinbase: "${value.amount}" is not an amount of ${value.currency}`);
  return quantity;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
