/**
 * Kraken's names for assets and pairs, as its public Assets and AssetPairs endpoints give them:
 * legacy assets carry an X (crypto) or Z (fiat) prefix (XXBT, ZUSD) and an altname (XBT, USD);
 * newer ones are their own altname (DOT, USDC). Staked and Earn balances are `<altname>.S` / `.F`.
 */
interface KrakenAsset {
  id: string;
  altname: string;
  decimals: number;
  displayDecimals: number;
}

const KNOWN: Record<string, KrakenAsset> = {
  BTC: { id: 'XXBT', altname: 'XBT', decimals: 10, displayDecimals: 5 },
  ETH: { id: 'XETH', altname: 'ETH', decimals: 10, displayDecimals: 5 },
  LTC: { id: 'XLTC', altname: 'LTC', decimals: 10, displayDecimals: 5 },
  XRP: { id: 'XXRP', altname: 'XRP', decimals: 8, displayDecimals: 5 },
  DOGE: { id: 'XXDG', altname: 'XDG', decimals: 8, displayDecimals: 2 },
  USD: { id: 'ZUSD', altname: 'USD', decimals: 4, displayDecimals: 2 },
  EUR: { id: 'ZEUR', altname: 'EUR', decimals: 4, displayDecimals: 2 },
  GBP: { id: 'ZGBP', altname: 'GBP', decimals: 4, displayDecimals: 2 },
  USDT: { id: 'USDT', altname: 'USDT', decimals: 8, displayDecimals: 4 },
  USDC: { id: 'USDC', altname: 'USDC', decimals: 8, displayDecimals: 4 },
  DOT: { id: 'DOT', altname: 'DOT', decimals: 10, displayDecimals: 8 },
  SOL: { id: 'SOL', altname: 'SOL', decimals: 10, displayDecimals: 5 },
  ADA: { id: 'ADA', altname: 'ADA', decimals: 8, displayDecimals: 6 },
};

/** Wallet (fixture term) → the suffix Kraken gives that balance's asset. */
// Kraken's funding wallet is Earn (flexible): `.F` too.
const WALLET_SUFFIX: Record<string, string> = { spot: '', staking: '.S', earn: '.F', funding: '.F' };

export function krakenAsset(symbol: string): KrakenAsset {
  return KNOWN[symbol] ?? { id: symbol, altname: symbol, decimals: 10, displayDecimals: 5 };
}

/** The asset id a balance in `wallet` is listed under (`XXBT`, `DOT.S`, `XBT.F`). */
export function krakenBalanceAssetId(symbol: string, wallet = 'spot'): string {
  const suffix = WALLET_SUFFIX[wallet];
  if (suffix === undefined) throw new Error(`Kraken has no ${wallet} wallet (spot, staking, earn, funding)`);
  const asset = krakenAsset(symbol);
  return suffix ? asset.altname + suffix : asset.id;
}

/** Every asset id the stand-in lists: the known ones and those the fixture names, each with its staked forms. */
export function krakenAssetsResult(symbols: string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const symbol of new Set([...Object.keys(KNOWN), ...symbols])) {
    const asset = krakenAsset(symbol);
    const fields = { aclass: 'currency', decimals: asset.decimals, display_decimals: asset.displayDecimals };
    result[asset.id] = { ...fields, altname: asset.altname, status: 'enabled' };
    for (const suffix of ['.S', '.F'])
      result[asset.altname + suffix] = { ...fields, altname: asset.altname + suffix, status: 'enabled' };
  }
  return result;
}

/** A pair's id: legacy X/Z assets join their ids (XXBTZUSD, XETHXXBT), newer pairs use the altname (DOTUSD). */
export function krakenPairId(base: string, quote: string): string {
  const [b, q] = [krakenAsset(base), krakenAsset(quote)];
  const legacy = (asset: KrakenAsset) => asset.id.length === 4 && /^[XZ]/.test(asset.id) && asset.id !== asset.altname;
  return legacy(b) && legacy(q) ? b.id + q.id : b.altname + q.altname;
}

/** AssetPairs entries for the fixture's pairs and a few more. */
export function krakenPairsResult(pairs: Array<[string, string]>): Record<string, unknown> {
  const all: Array<[string, string]> = [
    ['BTC', 'USD'],
    ['ETH', 'USD'],
    ['ETH', 'BTC'],
    ['BTC', 'EUR'],
    ['SOL', 'USD'],
    ['USDC', 'USD'],
    ['DOT', 'USD'],
    ...pairs,
  ];
  const result: Record<string, unknown> = {};
  for (const [base, quote] of all) {
    const [b, q] = [krakenAsset(base), krakenAsset(quote)];
    result[krakenPairId(base, quote)] = {
      altname: b.altname + q.altname,
      wsname: `${b.altname}/${q.altname}`,
      aclass_base: 'currency',
      base: b.id,
      aclass_quote: 'currency',
      quote: q.id,
      lot: 'unit',
      cost_decimals: 5,
      pair_decimals: 5,
      lot_decimals: 8,
      lot_multiplier: 1,
      leverage_buy: [],
      leverage_sell: [],
      fees: [
        [0, 0.4],
        [10000, 0.35],
        [50000, 0.24],
      ],
      fees_maker: [
        [0, 0.25],
        [10000, 0.2],
        [50000, 0.14],
      ],
      fee_volume_currency: 'ZUSD',
      margin_call: 80,
      margin_stop: 40,
      ordermin: '0.0001',
      costmin: '0.5',
      tick_size: '0.00001',
      status: 'online',
    };
  }
  return result;
}
