/**
 * What an exchange says about one of its currencies besides the code: the evidence that tells
 * apart the many coins sharing a ticker.
 */
export interface CurrencyHint {
  /** The exchange's full name for it ("Uniswap"), when it gives one other than the code. */
  name?: string;
  /** Token contract addresses on the networks the exchange moves it on. */
  contracts: string[];
  /** The exchange's own word on whether it is fiat money (absent: it did not say). */
  fiat?: boolean;
}

/** An exchange's hints for the assets of one namespace (`exchange:<provider>`), by uppercase currency code. */
export interface AssetHints {
  namespace: string;
  currencies: Map<string, CurrencyHint>;
}
