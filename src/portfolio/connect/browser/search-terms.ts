/**
 * The provider picker's search, shared by the server (the `?q=` filter that works without
 * scripts) and the picker's script (filtering as the person types), so both agree.
 */

/** Lower case, accents dropped, runs of spaces and punctuation made one space. */
export function normalizeSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Every word of the query begins a word of the entry's terms ("coin" finds Coinbase, "eth" Ethereum). */
export function matchesSearch(terms: string, query: string): boolean {
  const words = normalizeSearch(query).split(' ').filter(Boolean);
  if (words.length === 0) return true;
  const have = ` ${normalizeSearch(terms)}`;
  return words.every((word) => have.includes(` ${word}`));
}

/** "3 matches for “coin”.": the line under the search box, the same from the server and the script. */
export function countText(query: string, count: number): string {
  const asked = query.trim();
  if (!asked) return `${count} to choose from.`;
  if (count === 0) return `Nothing matches “${asked}”.`;
  return `${count} match${count === 1 ? '' : 'es'} for “${asked}”.`;
}
