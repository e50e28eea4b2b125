/**
 * Amounts travel as bigint base units and leave as decimal strings; a JS number never holds
 * a quantity (18-decimal amounts lose digits in a double).
 */

/** `1500000000000000000n`, 18 → `"1.500000000000000000"` (always `decimals` fraction digits). */
export function formatUnits(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return (negative ? '-' : '') + whole + (decimals > 0 ? `.${fraction}` : '');
}

/** Parses a plain decimal (`"12.5"`, `"-0.001"`) into base units; undefined when malformed or too precise. */
export function parseUnits(text: string, decimals: number): bigint | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  if (fraction.length > decimals) return undefined;
  const units = BigInt((match[2] || '0') + fraction.padEnd(decimals, '0'));
  return match[1] === '-' ? -units : units;
}

/** Re-expresses base units of `from` decimals in `to` decimals (to ≥ from). */
export function scaleUnits(value: bigint, from: number, to: number): bigint {
  return to >= from ? value * 10n ** BigInt(to - from) : value / 10n ** BigInt(from - to);
}
