import type { Exchange } from 'ccxt';
import type { CurrencyHint } from '../../assets/asset-hints.ts';

/**
 * Where exchanges put a token's contract in their raw currency records, which ccxt keeps as each
 * network's `info` (it has no unified field for it): Binance, KuCoin and Bybit `contractAddress`,
 * OKX `ctAddr`.
 */
const CONTRACT_FIELDS = ['contractAddress', 'ctAddr', 'contract_address'];

/** What ccxt learned about the exchange's currencies while loading markets, as hints by uppercase code. */
export function currencyHints(currencies: Exchange['currencies'] | undefined): Map<string, CurrencyHint> {
  const hints = new Map<string, CurrencyHint>();
  for (const [code, currency] of Object.entries(currencies ?? {})) {
    if (!currency) continue;
    const name = typeof currency.name === 'string' ? currency.name.trim() : '';
    const records = [
      currency.info,
      ...Object.values(currency.networks ?? {}).map((n) => (n as { info?: unknown })?.info),
    ];
    const contracts = new Set(records.flatMap(contractsIn));
    hints.set(code.toUpperCase(), {
      ...(name ? { name } : {}),
      contracts: [...contracts],
      ...(currency.type === 'fiat' ? { fiat: true } : currency.type === 'crypto' ? { fiat: false } : {}),
    });
  }
  return hints;
}

function contractsIn(record: unknown): string[] {
  if (typeof record !== 'object' || record === null) return [];
  const fields = record as Record<string, unknown>;
  return CONTRACT_FIELDS.flatMap((field) => {
    const value = fields[field];
    // Too short to be an address: a placeholder ("", "0", "-") some exchanges send for native coins.
    return typeof value === 'string' && /^\S{20,}$/.test(value.trim()) ? [value.trim()] : [];
  });
}
