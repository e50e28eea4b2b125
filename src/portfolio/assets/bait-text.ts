/**
 * Whether a token's own words advertise somewhere to go: a web address, a domain name (also
 * written with `[.]`, `(.)` or `[dot]` to slip past filters), a Telegram link, or a "claim /
 * reward" lure naming an amount. Real tokens name themselves after their project; spam tokens
 * use their name and symbol as a billboard for a phishing site.
 *
 * Only generic top-level domains that bait uses are matched (`.com`, `.io`, `.xyz`, `.app`, …),
 * not country codes such as `.fi` that real projects put in their names ("Curve.fi"); a token the
 * price source lists is never judged by its name alone (see spam-verdict.ts), which spares
 * "yearn.finance" and its like.
 */
export function hasBaitText(...texts: Array<string | null | undefined>): boolean {
  return texts.some((text) => {
    if (!text) return false;
    const plain = text.normalize('NFKC').replace(/[\u200b-\u200d\u2060\ufeff]/g, '');
    return BAIT.some((pattern) => pattern.test(plain)) || (LURE.test(plain) && AMOUNT.test(plain));
  });
}

const TLDS = (
  'com net org io xyz app site online live top vip club gift cc co me pro link info biz us fun one world network ' +
  'finance exchange money cash win today tech ai gg lol life space website store shop click cloud icu claim ru cn tk'
)
  .split(' ')
  .join('|');

/** A dot, or one of the ways spam writes a dot so that filters miss it. */
const DOT = String.raw`(?:\.|\[\.\]|\(\.\)|\{\.\}|\s?\[dot\]\s?|\s?\(dot\)\s?)`;
const LABEL = String.raw`[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?`;

const BAIT: RegExp[] = [
  // A URL scheme: https://…, ipfs://…
  /\b[a-z][a-z0-9+.-]{1,15}:\/\//i,
  // www. in any spelling of the dot
  new RegExp(String.raw`\bwww${DOT}`, 'i'),
  // A domain name: claim-eth.com, t.me/…, rewards[.]xyz, usdt.gift
  new RegExp(String.raw`(?:^|[^a-z0-9-])${LABEL}(?:${DOT}${LABEL})*${DOT}(?:${TLDS})(?![a-z0-9-])`, 'i'),
];

/** Words of a giveaway lure… */
const LURE = /\b(?:claim|reward|rewards|airdrop|voucher|gift|bonus|giveaway)\b/i;
/** …with an amount of money: "$5,000", "5000$", "1000 USDT". */
const AMOUNT = /\$\s?\d|\d[\d,.]*\s?(?:\$|usd[tc]?\b|eth\b|tokens?\b)/i;
