import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { startBinanceStandIn } from './binance-stand-in.ts';
import { startBitstampStandIn } from './bitstamp-stand-in.ts';
import { startBybitStandIn } from './bybit-stand-in.ts';
import { startCoinbaseStandIn } from './coinbase-stand-in.ts';
import type { ExchangeFixture, ExchangeStandIn } from './exchange-stand-in.ts';
import { startGeminiStandIn } from './gemini-stand-in.ts';
import { startKrakenStandIn } from './kraken-stand-in.ts';
import { startKucoinStandIn } from './kucoin-stand-in.ts';
import { startOkxStandIn } from './okx-stand-in.ts';

export interface StandInEntry {
  start(options: { fixture: ExchangeFixture }): Promise<ExchangeStandIn>;
  /** What the exchange can express (and so the shared suite expects back). */
  rewards: boolean;
  conversions: boolean;
  /** The exchange reports a key's permissions (a trading key is refused at link time). */
  permissions: boolean;
  /** The currency of a buy's fee on this exchange (ccxt infers it for Bybit; others charge the quote). */
  buyFee: 'base' | 'quote';
  /** A withdrawal's network fee comes back (ccxt reads none from Bitstamp's withdrawal requests). */
  withdrawalFee?: false;
  /** A secret of the right form that the exchange does not hold for the key. */
  wrongSecret?(secret: string): string;
}

/** The same secret with its last character changed: signatures made with it no longer match. */
export function changedLastCharacter(secret: string): string {
  return secret.slice(0, -1) + (secret.at(-1) === 'A' ? 'B' : 'A');
}

/** Every exchange stand-in, by provider id: the shared end-to-end suite runs against each. */
export const STAND_INS: Record<string, StandInEntry> = {
  // Binance converts only dust (into BNB): the sample's USDT→ETH conversion has no Binance form.
  binance: {
    start: (o) => startBinanceStandIn(o),
    rewards: true,
    conversions: false,
    permissions: true,
    buyFee: 'base',
  },
  coinbase: {
    start: (o) => startCoinbaseStandIn(o),
    rewards: true,
    conversions: true,
    permissions: true,
    buyFee: 'quote',
    // A CDP secret is a PEM key: another P-256 key signs validly, but not as this key.
    wrongSecret: () =>
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
  },
  kraken: {
    start: (o) => startKrakenStandIn(o),
    rewards: true,
    conversions: true,
    permissions: false,
    buyFee: 'quote',
    // Kraken's secret is 64 bytes in base64: another such secret signs, but not for this key.
    wrongSecret: () => randomBytes(64).toString('base64'),
  },
  okx: { start: (o) => startOkxStandIn(o), rewards: true, conversions: true, permissions: true, buyFee: 'base' },
  bybit: { start: (o) => startBybitStandIn(o), rewards: true, conversions: true, permissions: true, buyFee: 'base' },
  kucoin: { start: (o) => startKucoinStandIn(o), rewards: true, conversions: true, permissions: true, buyFee: 'base' },
  gemini: {
    start: (o) => startGeminiStandIn(o),
    rewards: false,
    conversions: false,
    permissions: true,
    buyFee: 'quote',
  },
  bitstamp: {
    start: (o) => startBitstampStandIn(o),
    rewards: true,
    conversions: false,
    permissions: false,
    buyFee: 'quote',
    withdrawalFee: false,
  },
};
