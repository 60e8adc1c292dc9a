import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The workspace this CLI belongs to (the folder holding nx.json and package.json above this file, from src/ or dist/),
 * where `npm start` writes .runtime/platform.json; undefined when there is none. (@tradewarden/local-infra has the same
 * lookup, but loading it also loads the Kafka client and more, which a command does not need.)
 */
export function cliWorkspaceRoot(from: string = __dirname): string | undefined {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json')) && existsSync(join(dir, 'package.json'))) return dir;
  }
  return undefined;
}
