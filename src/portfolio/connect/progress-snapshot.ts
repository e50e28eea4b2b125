import type { Connection } from '../connections/connection.ts';
import type { Portfolio } from '../portfolio.ts';
import { holdingsOf } from './holdings.ts';

/** One linked account as the progress page shows it. */
export interface ConnectionProgress {
  connection: Connection;
  providerName: string;
  logoUrl: string;
  /** Transactions its syncs have stored so far. */
  itemsRead: number;
  /** Its balances as text, largest first; empty until the sync has read them. */
  holdings: string[];
}

/**
 * The person's connections with how far their syncs got, read from the database (status, last
 * error and time from the connections, counts from the transactions, balances from positions),
 * so any node can answer, and the page and its event stream agree.
 */
export async function readProgress(portfolio: Portfolio, userId: string): Promise<ConnectionProgress[]> {
  const connections = await portfolio.connections.list(userId);
  if (connections.length === 0) return [];
  const [counts, holdings] = await Promise.all([
    portfolio.itemsRead(connections.map((c) => c.id)),
    holdingsOf(portfolio, userId),
  ]);
  return connections.map((connection) => {
    const provider = portfolio.catalog.find(connection.providerId);
    return {
      connection,
      providerName: provider?.name ?? connection.providerId,
      logoUrl: provider?.logoUrl ?? '',
      itemsRead: counts.get(connection.id) ?? 0,
      holdings: holdings.get(connection.id) ?? [],
    };
  });
}

/** Whether a sync is still under way (the page keeps itself up to date only then). */
export function stillSyncing(progress: ConnectionProgress[]): boolean {
  return progress.some((p) => p.connection.status === 'syncing');
}
