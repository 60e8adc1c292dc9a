import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkHealth } from '@tradewarden/grpc';

const root = resolve(__dirname, '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  /** SIGKILL: no shutdown hooks, no drain — a crash. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the graceful exit. */
  stop(): Promise<void>;
}

/** Runs a service's main.ts from the sources as its own process and waits until its health service says SERVING. */
export async function startServiceProcess(service: string, env: Record<string, string>, address: string, logDir: string): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['-r', join(root, 'tools', 'runtime', 'ts-register.js'), join(root, 'services', service, 'src', 'main.ts')], {
    env: { ...process.env, ...env, LOG_LEVEL: 'log' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(logDir, `${service}-${child.pid}.log`));
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const deadline = Date.now() + 60_000;
  while ((await checkHealth(address, '', 1000)) !== 'SERVING') {
    if (child.exitCode !== null) throw new Error(`${service} exited with code ${child.exitCode} (log in ${logDir})`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${service} did not become healthy within 60 s (log in ${logDir})`);
    }
    await new Promise((wait) => setTimeout(wait, 250));
  }
  return {
    child,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
