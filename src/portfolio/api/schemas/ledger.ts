import { Type } from '@sinclair/typebox';
import { StringEnum } from '../../../kernel/http/plain-schemas.ts';
import { AssetSchema, ErrorItemSchema, NullableValue, PageDataSchema } from './common.ts';

export const AssetPositionSchema = Type.Object(
  {
    asset: AssetSchema,
    quantity: Type.String(),
    value: NullableValue,
    sources: Type.Array(
      Type.Object({
        provider_id: Type.String(),
        connection_id: Type.String(),
        quantity: Type.String(),
        value: NullableValue,
        updated_at: Type.Number(),
      }),
    ),
  },
  { title: 'AssetPosition' },
);

export const GetAssetsDataSchema = Type.Object(
  { assets: Type.Array(AssetPositionSchema), total_value: NullableValue, page: Type.Optional(PageDataSchema) },
  { title: 'GetAssetsData' },
);

export const LegSchema = Type.Object(
  {
    asset: AssetSchema,
    quantity: Type.String(),
    value: NullableValue,
    address: Type.Optional(Type.String()),
    counterparty: Type.Optional(Type.String()),
  },
  { title: 'Leg' },
);

export const FeeItemSchema = Type.Object(
  {
    asset: AssetSchema,
    quantity: Type.String(),
    value: NullableValue,
    kind: StringEnum(['network', 'exchange']),
  },
  { title: 'FeeItem' },
);

export const FeeObjectSchema = Type.Object(
  { total: NullableValue, items: Type.Array(FeeItemSchema) },
  { title: 'FeeObject' },
);

const CATEGORIES = [
  'transfer',
  'trade',
  'deposit',
  'withdrawal',
  'staking_reward',
  'interest',
  'airdrop',
  'fee',
  'mint',
  'burn',
  'approval',
  'other',
];

export const TransactionCategorizationSchema = Type.Object(
  {
    category: StringEnum(CATEGORIES),
    is_internal_transfer: Type.Boolean(),
    is_spam: Type.Boolean(),
    source: StringEnum(['provider', 'heuristic']),
  },
  { title: 'TransactionCategorization' },
);

export const TransactionTypeSchema = StringEnum(
  ['send', 'receive', 'input_only', 'output_only', 'input_output', 'uncategorized'],
  {
    title: 'TransactionType',
    description: "Derived from the legs: inputs flow into the person's account, outputs flow out",
  },
);

export const TransactionSchema = Type.Object(
  {
    id: Type.String(),
    provider_id: Type.String(),
    connection_id: Type.String(),
    timestamp: Type.Number({ description: 'Epoch ms' }),
    status: StringEnum(['pending', 'confirmed', 'failed']),
    type: TransactionTypeSchema,
    categorization: TransactionCategorizationSchema,
    inputs: Type.Array(LegSchema),
    outputs: Type.Array(LegSchema),
    fees: FeeObjectSchema,
    tx_hash: Type.Optional(Type.String()),
    chain: Type.Optional(Type.String()),
    external_id: Type.String(),
    description: Type.Optional(Type.String()),
  },
  { title: 'Transaction' },
);

export const GetTransactionsDataSchema = Type.Object(
  { transactions: Type.Array(TransactionSchema), page: Type.Optional(PageDataSchema) },
  { title: 'GetTransactionsData' },
);

export const RefreshResponseDataSchema = Type.Object(
  {
    refresh_id: Type.String(),
    status: StringEnum(['queued', 'running', 'completed', 'partial', 'failed']),
    connections: Type.Array(
      Type.Object({
        connection_id: Type.String(),
        provider_id: Type.String(),
        status: Type.String(),
        error: Type.Optional(ErrorItemSchema),
      }),
    ),
  },
  { title: 'RefreshResponseData' },
);
