import type { HeldCsv } from '../sources/csv/parse-off-thread.ts';

/** One provider to link, as the API (and the Connect pages) receive it (AddProvidersRequest). */
export interface LinkInput {
  provider_id: string;
  display_label?: string;
  connection:
    | { type: 'api_key'; api_key: string; secret_key: string; passphrase?: string }
    | { type: 'wallet'; address: string; chain?: string }
    // `return_to`: set by the Connect widget (where the person comes back to), never by the API.
    | { type: 'oauth2'; return_to?: string }
    // An upload's CSV text is held by the CSV worker that read the body (HeldCsv).
    | { type: 'csv'; format?: string; content: string | HeldCsv };
}

export interface LinkResult {
  added: boolean;
  provider_id: string;
  connection_id?: string;
  /** An OAuth link: where to send the person (the exchange's consent). */
  redirect_url?: string;
  /** "All networks": the connection made on each network with activity (connection_id is the first). */
  networks?: Array<{ provider_id: string; connection_id: string }>;
}
