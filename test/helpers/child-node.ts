import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';

export interface ChildNode {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const BIN = fileURLToPath(new URL('../../bin/consentry.js', import.meta.url));

/**
 * A second Consentry node in its own process (`consentry start`), sharing database, secret key
 * and issuer with the test's node — two nodes behind one load balancer. Resolves once the node
 * logs that it is serving.
 */
export async function startChildNode(env: Record<string, string>, port: number): Promise<ChildNode> {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      JANITOR_INTERVAL_SECONDS: '0',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const serving = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Consentry is serving')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`child node exited with ${code}:\n${output}`)));
  });
  await serving;
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
