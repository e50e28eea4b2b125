import type { ExchangeFixture, ExchangeStandIn } from './exchange-stand-in.ts';
import { startKucoinStandIn } from './kucoin-stand-in.ts';
import { startOkxStandIn } from './okx-stand-in.ts';

export interface StandInEntry {
  start(options: { fixture: ExchangeFixture }): Promise<ExchangeStandIn>;
  /** What the exchange can express (and so the shared suite expects back). */
  rewards: boolean;
  conversions: boolean;
  /** The exchange reports a key's permissions (a trading key is refused at link time). */
  permissions: boolean;
}

/** Every exchange stand-in, by provider id: the shared end-to-end suite runs against each. */
export const STAND_INS: Record<string, StandInEntry> = {
  okx: { start: (o) => startOkxStandIn(o), rewards: true, conversions: true, permissions: true },
  kucoin: { start: (o) => startKucoinStandIn(o), rewards: true, conversions: true, permissions: true },
};
