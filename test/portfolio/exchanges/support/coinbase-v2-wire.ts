import type { ExchangeFixture } from './exchange-stand-in.ts';
import { coinbaseAccountId, coinbaseCurrency, v2CurrencyObject } from './coinbase-currencies.ts';
import { addDecimals, isZeroDecimal, multiplyDecimals, negateDecimal, subtractDecimals } from './coinbase-decimals.ts';

type Json = Record<string, unknown>;

/** A simple buy or sell in the Coinbase app (not Advanced Trade): crypto against fiat, with Coinbase's fee. */
export interface CoinbaseSimpleTrade {
  id: string;
  side: 'buy' | 'sell';
  asset: string;
  amount: string;
  /** The fiat side before the fee, and the fee, in one fiat currency. */
  fiat: { asset: string; subtotal: string; fee: string };
  timestamp: number;
}

/** The neutral fixture plus what only the v2 wallet shows. */
export type CoinbaseWalletFixture = ExchangeFixture & { simpleTrades?: CoinbaseSimpleTrade[] };

/** Everything the v2 wallet API serves for one person: accounts, and per account its records newest first. */
export interface V2Book {
  accounts: Json[];
  transactions: Map<string, Json[]>;
  /** Fiat deposits and withdrawals as /deposits and /withdrawals list them. */
  deposits: Map<string, Json[]>;
  withdrawals: Map<string, Json[]>;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The exchange-neutral fixture as Coinbase's v2 API shows it. Crypto deposits and withdrawals
 * are `send` transactions (out: `amount` is what left the account, fee included; `network`
 * holds `transaction_amount` and `transaction_fee`); fiat ones are `fiat_deposit` /
 * `fiat_withdrawal` plus a /deposits or /withdrawals record; rewards are `staking_reward` or
 * `interest`; a conversion is a `trade` in each account sharing `trade.id`; each Advanced Trade
 * fill is an `advanced_trade_fill` in its base and its quote account; a simple trade is a `buy` or
 * `sell` in the crypto account whose `buy`/`sell` object (shown whole with `expand`) holds
 * `total`, `subtotal` and `fee`.
 */
export function buildV2Book(fixture: CoinbaseWalletFixture): V2Book {
  const book: V2Book = { accounts: [], transactions: new Map(), deposits: new Map(), withdrawals: new Map() };
  const add = (map: Map<string, Json[]>, code: string, record: Json): void => {
    const id = coinbaseAccountId(code);
    map.set(id, [...(map.get(id) ?? []), record]);
  };
  const tx = (code: string, id: string, type: string, amount: string, time: number, extra: Json): Json => {
    const accountId = coinbaseAccountId(code);
    const currency = coinbaseCurrency(code);
    return {
      id,
      type,
      status: 'completed',
      amount: { amount, currency: code },
      native_amount: { amount: multiplyDecimals(amount, currency.usd, 2), currency: 'USD' },
      description: null,
      created_at: iso(time),
      updated_at: iso(time),
      resource: 'transaction',
      resource_path: `/v2/accounts/${accountId}/transactions/${id}`,
      instant_exchange: false,
      ...extra,
    };
  };
  for (const d of fixture.deposits) {
    const currency = coinbaseCurrency(d.asset);
    const status = SEND_STATUS[d.status];
    if (currency.type === 'fiat') {
      add(
        book.transactions,
        d.asset,
        tx(d.asset, d.id, 'fiat_deposit', d.amount, d.timestamp, { status, ...fiatRef('fiat_deposit', d) }),
      );
      add(
        book.deposits,
        d.asset,
        transfer('deposit', d.id, d.asset, d.amount, '0.00', d.amount, d.timestamp, d.status),
      );
      continue;
    }
    const network = {
      status: NETWORK_STATUS[d.status],
      ...(d.txid ? { hash: d.txid } : {}),
      network_name: d.network ?? currency.network,
    };
    add(
      book.transactions,
      d.asset,
      tx(d.asset, d.id, 'send', d.amount, d.timestamp, {
        status,
        network,
        from: { resource: `${network.network_name}_network`, currency: d.asset },
        ...(d.address ? { to: { resource: 'address', address: d.address, address_info: { address: d.address } } } : {}),
        details: { title: `Received ${currency.name}`, subtitle: `From ${currency.name} address` },
      }),
    );
  }
  for (const w of fixture.withdrawals) {
    const currency = coinbaseCurrency(w.asset);
    const status = SEND_STATUS[w.status];
    const gross = addDecimals(w.amount, w.fee);
    if (currency.type === 'fiat') {
      add(
        book.transactions,
        w.asset,
        tx(w.asset, w.id, 'fiat_withdrawal', negateDecimal(gross), w.timestamp, {
          status,
          ...fiatRef('fiat_withdrawal', w),
        }),
      );
      add(
        book.withdrawals,
        w.asset,
        transfer('withdrawal', w.id, w.asset, w.amount, w.fee, gross, w.timestamp, w.status),
      );
      continue;
    }
    add(
      book.transactions,
      w.asset,
      tx(w.asset, w.id, 'send', negateDecimal(gross), w.timestamp, {
        status,
        idem: `idem-${w.id}`,
        network: {
          status: NETWORK_STATUS[w.status],
          ...(w.txid ? { hash: w.txid } : {}),
          network_name: w.network ?? currency.network,
          transaction_fee: { amount: w.fee, currency: w.asset },
          transaction_amount: { amount: w.amount, currency: w.asset },
          confirmations: w.status === 'ok' ? 6 : 0,
        },
        ...(w.address
          ? { to: { resource: 'address', address: w.address, currency: w.asset, address_info: { address: w.address } } }
          : {}),
        details: { title: `Sent ${currency.name}`, subtitle: `To ${currency.name} address` },
      }),
    );
  }
  for (const r of fixture.rewards) {
    const type = r.kind === 'staking' ? 'staking_reward' : 'interest';
    add(
      book.transactions,
      r.asset,
      tx(r.asset, r.id, type, r.amount, r.timestamp, {
        details: { title: r.kind === 'staking' ? 'Staking income' : 'Interest earned', subtitle: 'From Coinbase' },
      }),
    );
  }
  for (const c of fixture.conversions) {
    const trade = { id: c.id, resource: 'trade', resource_path: `/v2/trades/${c.id}` };
    const title = { title: `Converted ${c.from.asset} to ${c.to.asset}` };
    add(
      book.transactions,
      c.from.asset,
      tx(c.from.asset, `${c.id}-out`, 'trade', negateDecimal(c.from.amount), c.timestamp, { trade, details: title }),
    );
    add(
      book.transactions,
      c.to.asset,
      tx(c.to.asset, `${c.id}-in`, 'trade', c.to.amount, c.timestamp, { trade, details: title }),
    );
  }
  for (const t of fixture.trades) {
    const fill = {
      fill_price: t.price,
      product_id: `${t.base}-${t.quote}`,
      order_id: t.orderId ?? `order-${t.id}`,
      commission: t.fee.amount,
      order_side: t.side,
    };
    const buy = t.side === 'buy';
    const quoteMoved = buy ? negateDecimal(addDecimals(t.cost, t.fee.amount)) : subtractDecimals(t.cost, t.fee.amount);
    add(
      book.transactions,
      t.base,
      tx(t.base, `${t.id}-base`, 'advanced_trade_fill', buy ? t.amount : negateDecimal(t.amount), t.timestamp, {
        advanced_trade_fill: fill,
      }),
    );
    add(
      book.transactions,
      t.quote,
      tx(t.quote, `${t.id}-quote`, 'advanced_trade_fill', quoteMoved, t.timestamp, { advanced_trade_fill: fill }),
    );
  }
  for (const t of fixture.simpleTrades ?? []) {
    const total =
      t.side === 'buy' ? addDecimals(t.fiat.subtotal, t.fiat.fee) : subtractDecimals(t.fiat.subtotal, t.fiat.fee);
    const money = (amount: string) => ({ amount, currency: t.fiat.asset });
    const detail = {
      id: t.id,
      resource: t.side,
      resource_path: `/v2/accounts/${coinbaseAccountId(t.asset)}/${t.side}s/${t.id}`,
      status: 'completed',
      amount: { amount: t.amount, currency: t.asset },
      total: money(total),
      subtotal: money(t.fiat.subtotal),
      fee: money(t.fiat.fee),
      committed: true,
      instant: true,
      created_at: iso(t.timestamp),
      updated_at: iso(t.timestamp),
    };
    const amount = t.side === 'buy' ? t.amount : negateDecimal(t.amount);
    add(
      book.transactions,
      t.asset,
      tx(t.asset, `${t.id}-tx`, t.side, amount, t.timestamp, {
        [t.side]: detail,
        details: {
          title: t.side === 'buy' ? `Bought ${t.asset}` : `Sold ${t.asset}`,
          subtitle: `Using ${t.fiat.asset} Wallet`,
        },
      }),
    );
  }
  for (const map of [book.transactions, book.deposits, book.withdrawals])
    for (const records of map.values()) records.sort(newestFirst);
  book.accounts = accountsOf(fixture, book);
  return book;
}

const SEND_STATUS = { ok: 'completed', pending: 'pending', failed: 'failed' } as const;
const NETWORK_STATUS = { ok: 'confirmed', pending: 'pending', failed: 'failed' } as const;
const TRANSFER_STATUS = { ok: 'completed', pending: 'created', failed: 'canceled' } as const;

function fiatRef(type: string, record: { id: string; asset: string }): Json {
  const path = type === 'fiat_deposit' ? 'deposits' : 'withdrawals';
  const accountId = coinbaseAccountId(record.asset);
  return {
    [type]: { id: record.id, resource: type, resource_path: `/v2/accounts/${accountId}/${path}/${record.id}` },
    details: { title: type === 'fiat_deposit' ? 'Deposited funds' : 'Withdrew funds', subtitle: 'Bank account' },
  };
}

/** A /deposits or /withdrawals record: `subtotal` is what moved in the account, `amount` what reached the bank. */
function transfer(
  resource: string,
  id: string,
  code: string,
  amount: string,
  fee: string,
  subtotal: string,
  time: number,
  status: 'ok' | 'pending' | 'failed',
): Json {
  const accountId = coinbaseAccountId(code);
  return {
    id,
    status: TRANSFER_STATUS[status],
    payment_method: { id: 'bank-1', resource: 'payment_method', resource_path: '/v2/payment-methods/bank-1' },
    transaction: { id, resource: 'transaction', resource_path: `/v2/accounts/${accountId}/transactions/${id}` },
    user_reference: id.slice(0, 6).toUpperCase(),
    created_at: iso(time),
    updated_at: iso(time),
    resource,
    resource_path: `/v2/accounts/${accountId}/${resource}s/${id}`,
    committed: status === 'ok',
    payout_at: iso(time),
    instant: false,
    fee: { amount: fee, currency: code },
    amount: { amount, currency: code },
    subtotal: { amount: subtotal, currency: code },
  };
}

function newestFirst(a: Json, b: Json): number {
  const byTime = String(b['created_at']).localeCompare(String(a['created_at']));
  return byTime !== 0 ? byTime : String(b['id']).localeCompare(String(a['id']));
}

/** One wallet per currency the fixture names; balance from `balances` (free + used; Coinbase keeps one wallet per currency, so every fixture wallet is it). */
function accountsOf(fixture: CoinbaseWalletFixture, book: V2Book): Json[] {
  const balances = new Map<string, string>();
  for (const b of fixture.balances) {
    balances.set(b.asset, addDecimals(balances.get(b.asset) ?? '0', b.free, b.used ?? '0'));
  }
  const codes = new Set([...balances.keys()]);
  for (const records of book.transactions.values())
    for (const record of records) codes.add((record['amount'] as Json)['currency'] as string);
  return [...codes].sort().map((code) => {
    const id = coinbaseAccountId(code);
    const latest = book.transactions.get(id)?.[0]?.['created_at'] as string | undefined;
    const balance = balances.get(code) ?? '0';
    return {
      id,
      name: `${code} Wallet`,
      primary: code === 'BTC',
      type: coinbaseCurrency(code).type === 'fiat' ? 'fiat' : 'wallet',
      currency: v2CurrencyObject(code),
      balance: { amount: isZeroDecimal(balance) ? '0.00' : balance, currency: code },
      created_at: '2020-01-01T00:00:00Z',
      updated_at: latest ?? '2020-01-01T00:00:00Z',
      resource: 'account',
      resource_path: `/v2/accounts/${id}`,
      allow_deposits: true,
      allow_withdrawals: true,
    };
  });
}

/**
 * A v2 record as served: the `buy`/`sell` object of a simple trade stays a bare reference
 * (`id`, `resource`, `resource_path`) unless the request expands it (`expand=all`, `expand[]=buy`).
 */
export function withExpansions(record: Json, query: URLSearchParams): Json {
  const expand = new Set([...query.getAll('expand'), ...query.getAll('expand[]')]);
  const out = { ...record };
  for (const resource of ['buy', 'sell']) {
    const object = out[resource] as Json | undefined;
    if (!object || expand.has('all') || expand.has(resource)) continue;
    out[resource] = { id: object['id'], resource: object['resource'], resource_path: object['resource_path'] };
  }
  return out;
}
