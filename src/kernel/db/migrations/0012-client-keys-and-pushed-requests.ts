import type { Kysely } from 'kysely';

/**
 * Client authentication by key (RFC 7523: `private_key_jwt`, `client_secret_jwt`), request objects
 * (RFC 9101) and pushed authorization requests (RFC 9126): a client's public keys (by value or by
 * URL), its secret sealed when it signs with it (HMAC needs the secret itself, a hash will not do),
 * the pushed requests waiting for their `/authorize`, and the `jti`s already seen, shared by every node.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of [
    'jwks',
    'jwks_uri',
    'secret_sealed',
    'request_object_signing_alg',
    'token_endpoint_auth_signing_alg',
  ])
    await db.schema.alterTable('clients').addColumn(column, 'text').execute();
  await db.schema
    .alterTable('clients')
    .addColumn('require_pushed_authorization_requests', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('pushed_authorization_requests')
    .addColumn('request_uri_hash', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('pushed_authorization_requests_expires')
    .on('pushed_authorization_requests')
    .column('expires_at')
    .execute();

  await db.schema
    .createTable('seen_jtis')
    .addColumn('key_hash', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('seen_jtis_expires').on('seen_jtis').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('seen_jtis').ifExists().execute();
  await db.schema.dropTable('pushed_authorization_requests').ifExists().execute();
  for (const column of [
    'require_pushed_authorization_requests',
    'token_endpoint_auth_signing_alg',
    'request_object_signing_alg',
    'secret_sealed',
    'jwks_uri',
    'jwks',
  ])
    await db.schema.alterTable('clients').dropColumn(column).execute();
}
