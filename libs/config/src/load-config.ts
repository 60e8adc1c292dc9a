import { z } from 'zod';
import { kafkaSecurityProblems } from './common-env';

/** Raised once at boot with every bad or missing variable listed, so an operator fixes them all in one go. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: readonly string[],
  ) {
    super(`${service}: invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment against a schema and returns the typed result. Secrets never get defaults here:
 * only the local demo launcher supplies demo values.
 */
export function loadConfig<S extends z.ZodTypeAny>(
  service: string,
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const variable = issue.path.join('.') || '(environment)';
        return `${variable}: ${issue.message}`;
      });
  // Checks across variables, for schemas that hold them (reported together with the others).
  if (schema instanceof z.ZodObject && 'KAFKA_BROKERS' in schema.shape) {
    for (const problem of kafkaSecurityProblems(env as Record<string, unknown>)) problems.push(`${problem.variable}: ${problem.message}`);
  }
  if (result.success && problems.length === 0) return result.data as z.infer<S>;
  throw new ConfigError(service, problems);
}
