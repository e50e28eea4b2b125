import { Type, type TSchema } from '@sinclair/typebox';
import { IntegerEnum, OrNull, StringEnum } from '../../../kernel/http/plain-schemas.ts';

const CAUSES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'provider_unavailable',
  'provider_auth_failed',
  'internal_error',
] as const;

/** A provider's id in the catalogue, e.g. `coinbase` (v1: CryptoSourceId). */
export const ProviderIdSchema = Type.String({ title: 'ProviderId', examples: ['coinbase'] });

export const ErrorItemSchema = Type.Object(
  {
    provider_id: Type.Optional(Type.String()),
    cause: StringEnum(CAUSES),
    message: Type.String(),
    code: Type.Optional(
      IntegerEnum([601, 602, 603], {
        description:
          "Calico's end-user code: 601 customer not found (404), 602 customer not authorized (403), 603 authentication failed (401)",
      }),
    ),
  },
  { title: 'ErrorItem' },
);

/** `{data, errors}`: every Platform API body. */
export function Envelope<T extends TSchema>(data: T, title: string) {
  return Type.Object({ data, errors: Type.Array(ErrorItemSchema) }, { title });
}

export const ErrorEnvelope = Envelope(Type.Null(), 'CalicoErrorResponse');

export const CurrencyValueSchema = Type.Object(
  {
    amount: Type.String({ description: 'Decimal string, e.g. "1234.56"' }),
    currency: Type.String(),
    price: Type.Optional(Type.String()),
    priced_at: Type.Optional(Type.Number({ description: 'Epoch ms of the price' })),
    price_source: Type.Optional(Type.String()),
  },
  { title: 'CurrencyValue' },
);

/** An anyOf, not OrNull: v1's description names the value's component (OpenAPICurrencyValue). */
export const NullableValue = Type.Union([CurrencyValueSchema, Type.Null()]);

export const PageDataSchema = Type.Object(
  { next_cursor: OrNull(Type.String()), has_more: Type.Boolean(), limit: Type.Integer() },
  { title: 'PageData' },
);

export const AssetSchema = Type.Object(
  {
    symbol: Type.String(),
    name: Type.Optional(Type.String()),
    chain: Type.Optional(Type.String()),
    contract_address: Type.Optional(Type.String()),
    decimals: Type.Integer(),
    is_spam: Type.Optional(
      Type.Boolean({
        description:
          "On positions (GET /assets), always: whether the token is spam for this person (on the known-spam list, a site advertised in its name or symbol, or an unpriced airdrop they never touched). Spam positions are listed only with include_spam=true and never count in total_value. Legs carry the transaction's categorization.is_spam instead.",
      }),
    ),
  },
  { title: 'Asset' },
);

/** Error responses every endpoint may give. */
export const errorResponses = { '4xx': ErrorEnvelope, '5xx': ErrorEnvelope };

const ms = (description: string) =>
  Type.Optional(Type.String({ description: `${description} (Unix epoch milliseconds)` }));

/** Query of GET /assets and GET /transactions; values are checked by hand for clear 400s. */
export function ListQuerySchema(withCursor: boolean) {
  return Type.Object({
    start_time: ms('Only data from this instant on'),
    end_time: ms('Only data up to this instant'),
    asset_symbols: Type.Optional(Type.String({ description: 'Comma-separated symbols, e.g. BTC,SOL; omitted = all' })),
    crypto_sources: Type.Optional(
      Type.String({ description: 'Comma-separated provider ids; omitted = all connected' }),
    ),
    include_spam: Type.Optional(
      Type.String({
        description:
          'true: also list spam (positions with asset.is_spam, transactions with categorization.is_spam); default false. Spam never counts in total_value.',
        examples: ['true'],
      }),
    ),
    limit: Type.Optional(Type.String({ description: 'Page size, 1–100, default 30' })),
    ...(withCursor
      ? {
          cursor: Type.Optional(
            Type.String({ description: 'page.next_cursor of the previous page; not combinable with other filters' }),
          ),
        }
      : {}),
  });
}
