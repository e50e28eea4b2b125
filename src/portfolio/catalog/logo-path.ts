/** Where a provider's monogram is served (logos.ts), for catalogue entries that name no logo of their own. */
export function logoPathOf(providerId: string): string {
  return `/portfolio/logos/${providerId}.svg`;
}
