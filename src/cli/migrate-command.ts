import type { Config } from '../config.ts';
import { openDatabase } from '../kernel/db/database.ts';
import { migrateToLatest } from '../kernel/db/migrate.ts';

export async function runMigrateCommand(config: Config): Promise<number> {
  const database = openDatabase(config.DATABASE_URL, 1);
  try {
    const applied = await migrateToLatest(database.db);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
    return 0;
  } finally {
    await database.close();
  }
}
