/**
 * @simplewebauthn/server, loaded on the first passkey ceremony rather than at start: it brings
 * X.509 and ASN.1 parsers (0.1 to 0.6 s of imports on this machine) and polyfills `Reflect` metadata, which
 * nodes where nobody uses passkeys need not pay for.
 */
let server: Promise<typeof import('@simplewebauthn/server')> | undefined;
let helpers: Promise<typeof import('@simplewebauthn/server/helpers')> | undefined;

export function loadWebAuthn(): Promise<typeof import('@simplewebauthn/server')> {
  return (server ??= import('@simplewebauthn/server'));
}

export function loadWebAuthnHelpers(): Promise<typeof import('@simplewebauthn/server/helpers')> {
  return (helpers ??= import('@simplewebauthn/server/helpers'));
}
