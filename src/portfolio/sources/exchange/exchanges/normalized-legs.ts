import type { AssetRef } from '../../../assets/asset-ref.ts';
import { exchangeAsset } from '../../../assets/known-assets.ts';
import type { Category, NormalizedLeg, NormalizedTransaction } from '../../../ledger/normalized.ts';
import { parseUnits } from '../../../money/amounts.ts';

/**
 * Building blocks for the extra histories of exchange definitions: a leg from an exchange's
 * symbol and decimal string, and a one-legged reward.
 */

/** A leg of `amount` (decimal string, sign ignored) of the exchange's `symbol`; undefined when either is missing or malformed. */
export function exchangeLeg(
  providerId: string,
  symbol: string | undefined,
  amount: string | undefined,
): (NormalizedLeg & { asset: AssetRef }) | undefined {
  if (!symbol || !amount) return undefined;
  const asset = exchangeAsset(providerId, symbol);
  const quantity = truncatedUnits(amount.trim().replace(/^[+-]/, ''), asset.decimals);
  return quantity === undefined ? undefined : { asset, quantity };
}

/** A reward paid into the account: one input leg, no fee; nothing for a zero or unreadable amount. */
export function rewardTransaction(
  providerId: string,
  reward: { externalId: string; category: Category; symbol?: string; amount?: string; timestamp: number },
): NormalizedTransaction[] {
  const input = exchangeLeg(providerId, reward.symbol, reward.amount);
  if (!input || input.quantity === 0n || !Number.isFinite(reward.timestamp)) return [];
  return [
    {
      externalId: reward.externalId,
      timestamp: reward.timestamp,
      status: 'confirmed',
      category: reward.category,
      categorizationSource: 'provider',
      inputs: [input],
      outputs: [],
      fees: [],
    },
  ];
}

/** A conversion: what came in, what went out, no fee (both exchanges fold it into the rate). */
export function conversionTransaction(
  providerId: string,
  conversion: {
    externalId: string;
    timestamp: number;
    description: string;
    received: { symbol?: string; amount?: string };
    given: { symbol?: string; amount?: string };
  },
): NormalizedTransaction[] {
  const input = exchangeLeg(providerId, conversion.received.symbol, conversion.received.amount);
  const output = exchangeLeg(providerId, conversion.given.symbol, conversion.given.amount);
  if (!input || !output || !Number.isFinite(conversion.timestamp)) return [];
  return [
    {
      externalId: conversion.externalId,
      timestamp: conversion.timestamp,
      status: 'confirmed',
      category: 'trade',
      categorizationSource: 'provider',
      description: conversion.description,
      inputs: [input],
      outputs: [output],
      fees: [],
    },
  ];
}

/** Earn payouts carry more digits than an asset's base unit (USDT interest to 1e-10): the dust below it is dropped. */
function truncatedUnits(text: string, decimals: number): bigint | undefined {
  const [whole, fraction = ''] = text.split('.');
  return parseUnits(fraction ? `${whole}.${fraction.slice(0, decimals)}` : `${whole}`, decimals);
}
