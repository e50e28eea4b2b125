import { ConfigError, loadConfig, type Config } from '../config.ts';

const USAGE = `Usage: consentry <command>

  start                              run the server (migrates first)
  migrate                            bring the database schema up to date
  backup <file>                      copy the SQLite database while the server runs (PostgreSQL: pg_dump)
  clients create --name N --redirect-uri U [--redirect-uri U2] [--public]
                 [--scope "a b"] [--default-scope "a b"] [--allow-plain-pkce]
                 [--access-ttl S] [--refresh-ttl S] [--grant-type G …]
  clients list
  clients delete <client_id>
  users create (--email E | --phone P) [--name N]
  keys rotate                        next key starts signing; the old one stays published
  login --issuer URL --client-id ID [--scope "a b"] [--resource URI] [--client-secret S]
        [--output FILE]              sign in to an issuer with the device flow; prints the tokens

Configuration comes from environment variables (see README); \`login\` needs none.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  // A client of some issuer, not part of this server: it needs no server configuration.
  if (command === 'login') return (await import('./login-command.ts')).runLoginCommand(rest);
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  switch (command) {
    case 'start': {
      const { startServer } = await import('../server.ts');
      await startServer(config);
      return -1; // keep running
    }
    // Each command imports only what it needs: `migrate` loads the migrations and no feature.
    case 'migrate':
      return (await import('./migrate-command.ts')).runMigrateCommand(config);
    case 'backup':
      return (await import('./backup-command.ts')).runBackupCommand(config, rest);
    case 'clients':
      return (await import('./clients-command.ts')).runClientsCommand(config, rest);
    case 'users':
      return (await import('./users-command.ts')).runUsersCommand(config, rest);
    case 'keys':
      return (await import('./keys-command.ts')).runKeysCommand(config, rest);
    default:
      console.error(`Unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
