/** A name as typed: dotted labels (`name.eth`). Addresses, xpubs and keys never hold a dot. */
export function isEnsName(text: string): boolean {
  return text.includes('.');
}
