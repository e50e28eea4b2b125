/**
 * The URL back to the client with response parameters appended to its own query. Every
 * response carries `iss` (RFC 9207) and echoes `state`.
 */
export function redirectBack(
  redirectUri: string,
  issuer: string,
  state: string | undefined,
  params: Record<string, string>,
): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
  if (state !== undefined) url.searchParams.append('state', state);
  url.searchParams.append('iss', issuer);
  return url.toString();
}
