import type { LinkInput } from '../connections/link-input.ts';

export type FormFields = Record<string, string | undefined>;

/** A page form as a link request, or the reason it cannot be one. */
export function walletInput(form: FormFields): LinkInput | string {
  const address = form.address?.trim();
  if (!form.provider_id) return 'Choose a network.';
  if (!address) return 'Enter the wallet address.';
  return { provider_id: form.provider_id, ...(form.display_label?.trim() ? { display_label: form.display_label.trim() } : {}), connection: { type: 'wallet', address } };
}

export function csvInput(form: FormFields): LinkInput | string {
  const content = form.file?.trim() ? form.file : form.content;
  if (!content?.trim()) return 'Choose a CSV file or paste its contents.';
  return {
    provider_id: 'csv',
    ...(form.display_label?.trim() ? { display_label: form.display_label.trim() } : {}),
    connection: { type: 'csv', content, ...(form.format ? { format: form.format } : {}) },
  };
}
