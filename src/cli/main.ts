import { ConfigError, loadConfig, type Config } from '../config.ts';
import { runClientsCommand } from './clients-command.ts';
import { runKeysCommand } from './keys-command.ts';
import { runMigrateCommand } from './migrate-command.ts';
import { runUsersCommand } from './users-command.ts';

const USAGE = `Usage: consentry <command>

  start                              run the server (migrates first)
  migrate                            bring the database schema up to date
  clients create --name N --redirect-uri U [--redirect-uri U2] [--public]
                 [--scope "a b"] [--default-scope "a b"] [--allow-plain-pkce]
                 [--access-ttl S] [--refresh-ttl S]
  clients list
  clients delete <client_id>
  users create (--email E | --phone P) [--name N]
  keys rotate                        next key starts signing; the old one stays published

Configuration comes from environment variables (see README).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
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
    case 'migrate':
      return runMigrateCommand(config);
    case 'clients':
      return runClientsCommand(config, rest);
    case 'users':
      return runUsersCommand(config, rest);
    case 'keys':
      return runKeysCommand(config, rest);
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
