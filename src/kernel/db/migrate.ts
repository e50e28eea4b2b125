import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.ts';
import * as jobs from './migrations/0001a-jobs.ts';
import * as personalAccessTokens from './migrations/0001b-personal-access-tokens.ts';
import * as clientRegistration from './migrations/0001c-client-registration.ts';
import * as oauthCore from './migrations/0001-oauth-core.ts';
import * as scheduling from './migrations/0002-scheduling.ts';
import * as portfolio from './migrations/0003-portfolio.ts';
import * as webhookConsent from './migrations/0004-scheduling-webhook-consent.ts';
import * as securityReview from './migrations/0004-security-review.ts';
import * as csvParts from './migrations/0005-portfolio-csv-parts.ts';
import * as coinList from './migrations/0006-portfolio-coin-list.ts';
import * as spam from './migrations/0007-portfolio-spam.ts';
import * as passkeys from './migrations/0008-passkeys.ts';
import * as deviceAuthorizations from './migrations/0009-device-authorizations.ts';
import * as dpop from './migrations/0010-dpop.ts';
import * as logout from './migrations/0011-logout.ts';
import * as clientKeys from './migrations/0012-client-keys-and-pushed-requests.ts';
import * as fapi2Clients from './migrations/0013-fapi2-clients.ts';
import * as grantConnections from './migrations/0014-grant-connections-and-access-log.ts';
import * as jobsOneRunningPerKey from './migrations/0016-jobs-one-running-per-key.ts';
import * as seenJtisByExpiry from './migrations/0017-seen-jtis-by-expiry.ts';
import * as janitorIndexes from './migrations/0018-janitor-indexes.ts';
import * as lookupIndexes from './migrations/0019-lookup-indexes.ts';
import * as bookingsByCreation from './migrations/0020-bookings-by-creation.ts';
import * as sealedResponsesIndex from './migrations/0021-sealed-responses-index.ts';
import * as familiesOutliveTokens from './migrations/0022-families-outlive-their-tokens.ts';
import * as rotationsInPlace from './migrations/0023-rotations-rewrite-rows-in-place.ts';

/** Migrations are listed here, in order, so they work the same from sources and from a bundle. */
const migrations: Record<string, Migration> = {
  '0001-oauth-core': oauthCore,
  '0001a-jobs': jobs,
  '0001b-personal-access-tokens': personalAccessTokens,
  '0002-scheduling': scheduling,
  '0003-portfolio': portfolio,
  '0001c-client-registration': clientRegistration,
  '0004-scheduling-webhook-consent': webhookConsent,
  '0004-security-review': securityReview,
  '0005-portfolio-csv-parts': csvParts,
  '0006-portfolio-coin-list': coinList,
  '0007-portfolio-spam': spam,
  '0008-passkeys': passkeys,
  '0009-device-authorizations': deviceAuthorizations,
  '0010-dpop': dpop,
  '0011-logout': logout,
  '0012-client-keys-and-pushed-requests': clientKeys,
  '0013-fapi2-clients': fapi2Clients,
  '0014-grant-connections-and-access-log': grantConnections,
  '0016-jobs-one-running-per-key': jobsOneRunningPerKey,
  '0017-seen-jtis-by-expiry': seenJtisByExpiry,
  '0018-janitor-indexes': janitorIndexes,
  '0019-lookup-indexes': lookupIndexes,
  '0020-bookings-by-creation': bookingsByCreation,
  '0021-sealed-responses-index': sealedResponsesIndex,
  '0022-families-outlive-their-tokens': familiesOutliveTokens,
  '0023-rotations-rewrite-rows-in-place': rotationsInPlace,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date; Kysely's migrator takes a lock, so several nodes may start at once. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
