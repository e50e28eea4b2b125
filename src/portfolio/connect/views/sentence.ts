/**
 * The portfolio's messages begin in lower case (they are written for API error items and logs);
 * on a page they read as sentences: "the indexer answered HTTP 503" → "The indexer answered HTTP 503."
 */
export function sentence(text: string): string {
  const trimmed = text.trim();
  // Only a plain word is capitalized: a message may begin with what was typed (nobody.eth, bc1q…).
  const word = /^[a-z]+(?=[\s,:;]|$)/.test(trimmed);
  const capital = word ? trimmed.charAt(0).toUpperCase() + trimmed.slice(1) : trimmed;
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

/** "an Ethereum", "a Bitcoin": the article a name takes (by its first letter, which fits the names here). */
export function withArticle(name: string): string {
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}
