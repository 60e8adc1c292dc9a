import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Directory holding the .proto sources. NestJS's gRPC transport loads the schema at run time, so the sources must
 * sit beside the code: found by walking up from here (works from src/ under ts-jest and from dist/ after a build),
 * or set with TRADEWARDEN_PROTO_ROOT in a container image.
 */
export function protoRoot(): string {
  const configured = process.env['TRADEWARDEN_PROTO_ROOT'];
  if (configured) return resolve(configured);
  let dir = __dirname;
  for (let depth = 0; depth < 8; depth += 1) {
    const candidate = join(dir, 'proto', 'buf.yaml');
    if (existsSync(candidate)) return join(dir, 'proto');
    dir = resolve(dir, '..');
  }
  throw new Error('proto/ directory not found; set TRADEWARDEN_PROTO_ROOT to the folder holding tradewarden/**/*.proto');
}

/** Path of one proto file, e.g. protoFile('tradewarden/intake/v1/intake.proto'). */
export function protoFile(relativePath: string): string {
  return join(protoRoot(), relativePath);
}
