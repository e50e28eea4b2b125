/** Prices as decimal strings in the valuation currency; a source that knows none answers null. */
export interface PriceSource {
  readonly name: string;
  /** Current prices of the given price keys (`coin:<id>`, `token:<platform>:<contract>`). */
  current(keys: string[]): Promise<Map<string, string | null>>;
  /** Known prices of one key between two instants (epoch ms), oldest first. */
  history(key: string, from: number, to: number): Promise<Array<{ at: number; price: string }>>;
  /**
   * The oldest instant `history` can answer for at `now` (a plan's reach, such as CoinGecko's
   * 365 days without a paid key); absent: no limit. Earlier instants are unknown, not missing.
   */
  earliestHistory?(now: number): number;
}

export class PriceSourceUnavailable extends Error {}
