import { Type } from '@sinclair/typebox';
import { StringEnum } from '../../../kernel/http/plain-schemas.ts';
import { ErrorItemSchema, ProviderIdSchema } from './common.ts';

const AUTH_TYPES = StringEnum(['api_key', 'wallet', 'oauth2', 'csv'], { title: 'CryptoSourceCredentialAuthType' });

export const ProviderMetadataSchema = Type.Object(
  {
    provider_id: ProviderIdSchema,
    name: Type.String(),
    category: StringEnum(['exchange', 'wallet', 'blockchain', 'custodian']),
    auth_types: Type.Array(AUTH_TYPES),
    logo_url: Type.Optional(Type.String()),
    chains: Type.Optional(Type.Array(Type.String())),
    csv_formats: Type.Optional(Type.Array(Type.String())),
    /** An API-key exchange: the APIConnection fields it needs. */
    required_fields: Type.Optional(Type.Array(StringEnum(['api_key', 'secret_key', 'passphrase']))),
    status: StringEnum(['available', 'degraded']),
  },
  { title: 'ProviderMetadata' },
);

export const ConnectedProviderSchema = Type.Object(
  {
    connection_id: Type.String(),
    provider_id: ProviderIdSchema,
    display_label: Type.String(),
    auth_type: AUTH_TYPES,
    status: StringEnum(['pending', 'syncing', 'connected', 'needs_reauth', 'error']),
    last_refreshed_at: Type.Optional(Type.Number()),
    error: Type.Optional(ErrorItemSchema),
    provider: ProviderMetadataSchema,
  },
  { title: 'ConnectedProvider' },
);

export const APIConnectionSchema = Type.Object(
  {
    type: Type.Literal('api_key'),
    api_key: Type.String({ minLength: 1, maxLength: 1000 }),
    secret_key: Type.String({ minLength: 1, maxLength: 4000 }),
    passphrase: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { title: 'APIConnection' },
);
export const WalletConnectionSchema = Type.Object(
  {
    type: Type.Literal('wallet'),
    address: Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'Address; on EVM networks also an ENS name (name.eth), resolved on Ethereum at link time; for Bitcoin also an account xpub/zpub',
    }),
    chain: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { title: 'WalletConnection' },
);
export const OAuth2ConnectionSchema = Type.Object({ type: Type.Literal('oauth2') }, { title: 'OAuth2Connection' });
export const CsvConnectionSchema = Type.Object(
  {
    type: Type.Literal('csv'),
    format: Type.Optional(Type.String({ description: 'universal (default) or kraken' })),
    content: Type.String({
      minLength: 1,
      description: 'The CSV text; at most PORTFOLIO_CSV_MAX_BYTES (default 10 MiB) and PORTFOLIO_CSV_MAX_ROWS rows',
    }),
  },
  { title: 'CsvConnection' },
);

export const AddProvidersRequestSchema = Type.Object(
  {
    provider_id: Type.String({ minLength: 1, maxLength: 100 }),
    display_label: Type.Optional(Type.String({ maxLength: 200 })),
    connection: Type.Union([APIConnectionSchema, WalletConnectionSchema, OAuth2ConnectionSchema, CsvConnectionSchema]),
  },
  { title: 'AddProvidersRequest' },
);

export const AddProvidersBody = Type.Union([
  AddProvidersRequestSchema,
  Type.Array(AddProvidersRequestSchema, { minItems: 1, maxItems: 20 }),
]);

export const AddProvidersDataSchema = Type.Object(
  {
    added: Type.Boolean(),
    provider_id: Type.Optional(Type.String()),
    connection_id: Type.Optional(Type.String()),
    redirect_url: Type.Optional(Type.String()),
    /** v1's name for it (Calico's OpenAPIGetConsentURLForThirdPartyResponse): the exchange's consent URL. */
    consent_url: Type.Optional(Type.String()),
    /** Provider `evm` (all networks): one connection per network where the address has activity. */
    networks: Type.Optional(Type.Array(Type.Object({ provider_id: Type.String(), connection_id: Type.String() }))),
  },
  { title: 'AddProvidersData' },
);

export const DeleteProvidersBody = Type.Object(
  {
    provider_ids: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: 100 })),
    connection_ids: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: 100 })),
  },
  { title: 'DeleteProvidersRequest' },
);

export const DeleteProvidersDataSchema = Type.Object(
  { deleted: Type.Boolean(), connection_ids: Type.Array(Type.String()) },
  { title: 'DeleteProvidersData' },
);

export const OAuthCallbackBody = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 2000 }),
  state: Type.String({ minLength: 1, maxLength: 2000 }),
});
