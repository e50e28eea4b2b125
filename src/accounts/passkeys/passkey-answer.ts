import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { PasskeyMalformed } from '../errors.ts';

/** base64url without padding, as WebAuthn's JSON forms carry binary values. */
const Base64Url = (maxLength: number) => Type.String({ pattern: '^[A-Za-z0-9_-]+$', maxLength });

// Credential ids are at most 1023 bytes (WebAuthn §5.8.3); attestation objects carry certificates.
const Common = {
  id: Base64Url(1400),
  rawId: Base64Url(1400),
  type: Type.Literal('public-key'),
  authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
  clientExtensionResults: Type.Record(Type.String(), Type.Unknown()),
};

const AuthenticationAnswer = Type.Object({
  ...Common,
  response: Type.Object({
    clientDataJSON: Base64Url(8192),
    authenticatorData: Base64Url(8192),
    signature: Base64Url(2048),
    userHandle: Type.Optional(Base64Url(128)),
  }),
});

const RegistrationAnswer = Type.Object({
  ...Common,
  response: Type.Object({
    clientDataJSON: Base64Url(8192),
    attestationObject: Base64Url(65_536),
    authenticatorData: Type.Optional(Base64Url(65_536)),
    transports: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 })),
    publicKeyAlgorithm: Type.Optional(Type.Integer()),
    publicKey: Type.Optional(Base64Url(8192)),
  }),
});

/** The longest `credential` form field either answer can be, for the route schemas. */
export const PASSKEY_ANSWER_MAX_LENGTH = 200_000;

/** @throws PasskeyMalformed when `text` is not a WebAuthn authentication answer in JSON */
export function parseAuthenticationAnswer(text: string): AuthenticationResponseJSON {
  return parse(AuthenticationAnswer, text) as AuthenticationResponseJSON;
}

/** @throws PasskeyMalformed when `text` is not a WebAuthn registration answer in JSON */
export function parseRegistrationAnswer(text: string): RegistrationResponseJSON {
  return parse(RegistrationAnswer, text) as RegistrationResponseJSON;
}

function parse(schema: TSchema, text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PasskeyMalformed();
  }
  if (!Value.Check(schema, value)) throw new PasskeyMalformed();
  return value;
}
