export type SpamReason = 'listed' | 'link_in_name' | 'unpriced_airdrop';

/** What is known about one token for one person when it is judged. */
export interface SpamEvidence {
  /** On the known-spam list (shipped or the operator's). */
  listed: boolean;
  /** Its name or symbol advertises a site (bait-text.ts). */
  baitText: boolean;
  /** It has a price key: the price source could know it. */
  hasPriceKey: boolean;
  /** The price source's last answer: a price (true), none (false), or never asked / unreachable (undefined). */
  priced: boolean | undefined;
  /** Some wallet of the person received it in a transaction someone else sent. */
  unsolicited: boolean;
  /** Some wallet of the person sent it, or received it in a transaction the wallet sent. */
  solicited: boolean;
}

/**
 * The spam rules, first match wins; only tokens (a contract or mint) are judged, never a chain's
 * native coin or an exchange's currency:
 * 1. `listed`: on the known-spam list, whatever else is true.
 * 2. `link_in_name`: its name or symbol advertises a site, unless the price source prices it
 *    (a listed market names itself after its project, "yearn.finance").
 * 3. `unpriced_airdrop`: it only ever arrived unasked (the person never sent it nor sent a
 *    transaction that brought it) and it has no price — no price key, or the source answered
 *    that it knows none. A source that could not be reached is no answer: nothing is flagged
 *    for an outage.
 * Facts change the verdict both ways: sending the token, or it gaining a price, clears rule 3.
 */
export function spamReason(evidence: SpamEvidence): SpamReason | undefined {
  if (evidence.listed) return 'listed';
  if (evidence.baitText && evidence.priced !== true) return 'link_in_name';
  const unpriced = !evidence.hasPriceKey || evidence.priced === false;
  if (evidence.unsolicited && !evidence.solicited && unpriced) return 'unpriced_airdrop';
  return undefined;
}
