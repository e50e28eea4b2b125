import { SourceError } from '../../errors.ts';
import type { SourceKind } from '../source-kind.ts';
import { CSV_FORMATS } from './formats.ts';

/** Transactions imported from a CSV export (the universal template or an exchange's own format). */
export const csvKind: SourceKind = {
  kind: 'csv',
  providers: () => [
    {
      providerId: 'csv',
      name: 'CSV import',
      category: 'exchange',
      authTypes: ['csv'],
      csvFormats: Object.keys(CSV_FORMATS),
      source: { kind: 'csv' },
    },
  ],
  async open(provider, credentials, { settings }) {
    if (credentials.type !== 'csv')
      throw new SourceError('invalid', `provider ${provider.providerId} cannot read ${credentials.type} connections`);
    const { csvSource } = await import('./csv-source.ts');
    return csvSource(credentials, { maxRows: settings.csvMaxRows });
  },
};
