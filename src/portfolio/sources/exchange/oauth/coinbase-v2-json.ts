/**
 * Small readers for Coinbase's v2 wallet JSON (accounts, transactions): the API answers
 * `unknown`, and a missing or mistyped field must read as absent rather than throw midway.
 */

export type Json = Record<string, unknown>;

export function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

export function readString(object: Json | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function readObject(object: Json | undefined, key: string): Json | undefined {
  return asObject(object?.[key]);
}

/** A v2 money object: `{"amount": "-0.5", "currency": "BTC"}`. */
export interface V2Money {
  amount: string;
  currency: string;
}

export function readMoney(object: Json | undefined, key: string): V2Money | undefined {
  const money = readObject(object, key);
  const amount = readString(money, 'amount');
  const currency = readString(money, 'currency');
  return amount !== undefined && currency !== undefined ? { amount, currency } : undefined;
}

/** The currency code of a v2 account: `currency` is an object (`{code: "BTC"}`) since CB-VERSION 2018. */
export function accountCurrency(account: Json | undefined): string | undefined {
  return readString(readObject(account, 'currency'), 'code') ?? readString(account, 'currency');
}
