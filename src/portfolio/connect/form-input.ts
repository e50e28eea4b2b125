import type { LinkInput } from '../connections/link-input.ts';
import type { HeldCsv } from '../sources/csv/parse-off-thread.ts';

export type FormFields = Record<string, string | undefined>;

/** A page form as a link request, or the reason it cannot be one. */
export function walletInput(form: FormFields): LinkInput | string {
  const address = form.address?.trim();
  if (!form.provider_id) return 'Choose a network.';
  if (!address) return 'Enter the wallet address.';
  return {
    provider_id: form.provider_id,
    ...(form.display_label?.trim() ? { display_label: form.display_label.trim() } : {}),
    connection: { type: 'wallet', address },
  };
}

/** `held`: the upload's CSV text as its worker kept it (a multipart form); otherwise the form's own fields. */
export function csvInput(form: FormFields, held?: HeldCsv): LinkInput | string {
  const content = held ?? (form.file?.trim() ? form.file : form.content);
  if (content === undefined || (typeof content === 'string' && !content.trim()))
    return 'Choose a CSV file or paste its contents.';
  return {
    provider_id: 'csv',
    ...(form.display_label?.trim() ? { display_label: form.display_label.trim() } : {}),
    connection: { type: 'csv', content, ...(form.format ? { format: form.format } : {}) },
  };
}
