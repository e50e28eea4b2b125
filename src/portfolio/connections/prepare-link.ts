import { createHash } from 'node:crypto';
import { validateWallet } from '../addresses/validate-wallet.ts';
import type { ProviderDefinition } from '../catalog/provider-definition.ts';
import { ApiError, badRequest, type ErrorItem } from '../errors.ts';
import type { CsvLimits, CsvWorker, HeldCsv } from '../sources/csv/parse-off-thread.ts';
import type { CredentialVerifier, WalletNameResolver } from '../sources/create-source.ts';
import type { StartedOAuth } from './oauth-linking.ts';
import type { Credentials } from './connection.ts';
import type { LinkInput } from './link-input.ts';

export interface PreparedLink {
  provider: ProviderDefinition;
  credentials: Credentials;
  identityKey: string;
  displayLabel: string;
  /** A CSV import's file, sealed on its worker in `parts` parts, to be stored with the connection. */
  file?: HeldCsv & { parts: number };
  /** An OAuth link, pending until the exchange sends the person back: its state's hash and the consent URL. */
  oauth?: { stateHash: string; redirectUrl: string };
}

/** What checking a link needs besides CSV handling: the provider's own checks. */
export interface LinkChecks {
  /** Checks an API key with the provider (a real read call). */
  verify: CredentialVerifier;
  /** Resolves a name typed as a wallet address (ENS). */
  resolveName: WalletNameResolver;
  /** Begins an OAuth link (PKCE, state) and answers the exchange's consent URL. */
  startOAuth(provider: ProviderDefinition, returnTo?: string): StartedOAuth;
}

const MAX_PROBLEMS = 50;

export interface CsvCheck extends CsvLimits {
  /** The worker that holds CSV texts given as strings (started when first needed). */
  worker(): CsvWorker;
}

/**
 * Checks one link request against its provider and turns it into credentials plus the key
 * that makes a second link of the same thing a duplicate. Nothing is stored here.
 * A CSV file is parsed and sealed on a CSV worker thread, within `csv` limits.
 * An API key is checked with the provider (`verify`: a real read call); a wallet's name (ENS) is resolved.
 * @throws ApiError 400 (bad input, line-numbered for CSV; a key the exchange refuses; a name that resolves to
 * nothing), 413 (CSV too large), 503 (the exchange or the naming service could not be reached)
 */
export async function prepareLink(
  provider: ProviderDefinition,
  input: LinkInput,
  csv: CsvCheck,
  checks: LinkChecks,
): Promise<PreparedLink> {
  const id = provider.providerId;
  const { connection } = input;
  if (!provider.authTypes.includes(connection.type)) {
    throw badRequest(
      `provider ${id} does not accept ${connection.type} connections (it accepts: ${provider.authTypes.join(', ')})`,
      id,
    );
  }
  const label = input.display_label?.trim();
  switch (connection.type) {
    case 'wallet': {
      const wallet = await validateWallet(provider, connection.address, connection.chain, checks.resolveName);
      const short =
        wallet.address.length > 14 ? `${wallet.address.slice(0, 6)}…${wallet.address.slice(-4)}` : wallet.address;
      return {
        provider,
        credentials: { type: 'wallet', ...wallet },
        identityKey: wallet.identityKey,
        // A name shows with the address it stood for when linked (names can be pointed elsewhere later).
        displayLabel: label || (wallet.name ? `${wallet.name} (${short})` : `${provider.name} ${short}`),
      };
    }
    case 'csv': {
      const format = connection.format ?? provider.csvFormats?.[0] ?? 'universal';
      if (!provider.csvFormats?.includes(format))
        throw badRequest(`CSV format ${format} is unknown (use one of: ${(provider.csvFormats ?? []).join(', ')})`, id);
      const file =
        typeof connection.content === 'string' ? await csv.worker().holdText(connection.content) : connection.content;
      const parsed = await file.worker.check(file.slot, format, { maxRows: csv.maxRows, maxBytes: csv.maxBytes });
      if (parsed.bytes > csv.maxBytes)
        throw new ApiError(
          413,
          'bad_request',
          `the CSV is ${parsed.bytes} bytes; at most ${csv.maxBytes} are accepted (split it into several imports)`,
          id,
        );
      if (parsed.problems.length) {
        const items: ErrorItem[] = parsed.problems
          .slice(0, MAX_PROBLEMS)
          .map((p) => ({ provider_id: id, cause: 'bad_request', message: `line ${p.line}: ${p.message}` }));
        throw new ApiError(
          400,
          'bad_request',
          `the CSV has ${parsed.problems.length} bad row(s); nothing was imported`,
          id,
          undefined,
          items,
        );
      }
      if (parsed.rows === 0) throw badRequest('the CSV has no rows', id);
      const parts = await file.worker.seal(file.slot);
      return {
        provider,
        credentials: { type: 'csv', format, parts },
        identityKey: `csv:${parsed.digest}`,
        displayLabel: label || `CSV import (${format})`,
        file: { ...file, parts },
      };
    }
    case 'api_key': {
      const digest = createHash('sha256').update(connection.api_key).digest('base64url');
      const credentials: Credentials = {
        type: 'api_key',
        api_key: connection.api_key,
        secret_key: connection.secret_key,
        ...(connection.passphrase ? { passphrase: connection.passphrase } : {}),
      };
      // Checked at the exchange before anything is stored: a wrong key is a 400 here, not a failed sync later.
      await checks.verify(provider, credentials);
      return { provider, credentials, identityKey: `api_key:${digest}`, displayLabel: label || provider.name };
    }
    case 'oauth2': {
      const started = checks.startOAuth(provider, connection.return_to);
      return {
        provider,
        credentials: started.credentials,
        // Until the exchange names the account: unique, so pending links never collide.
        identityKey: `oauth2:pending:${started.stateHash}`,
        displayLabel: label || provider.name,
        oauth: { stateHash: started.stateHash, redirectUrl: started.redirectUrl },
      };
    }
  }
}
