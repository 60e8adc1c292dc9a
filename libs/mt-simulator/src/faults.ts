/**
 * Misbehaviour the simulator can be told to show, as real servers and networks do. Each rate is a probability per
 * request (0-1) and applies to Web API commands (not the handshake), optionally only to some paths.
 */
export interface FaultSettings {
  /** Added to every answer: base plus a uniform random jitter. */
  latencyMs: { base: number; jitter: number };
  /** Answer with this retcode instead of doing the command. */
  errorRate: number;
  errorRetcode: number;
  /** Close the connection without doing the command or answering. */
  dropRate: number;
  /** Do nothing and never answer (the client's timeout decides). */
  stallRate: number;
  /** Do the command, then close the connection without answering: the case that causes double deposits. */
  lostAnswerRate: number;
  /** Limit the faults to these paths, e.g. ["/api/trade/balance"]; empty means every command. */
  paths: string[];
}

export const NO_FAULTS: FaultSettings = {
  latencyMs: { base: 0, jitter: 0 },
  errorRate: 0,
  errorRetcode: 10,
  dropRate: 0,
  stallRate: 0,
  lostAnswerRate: 0,
  paths: [],
};

export type FaultDecision = 'none' | 'error' | 'drop' | 'stall' | 'lose-answer';

/** Which fault (if any) hits one request; `random` is injectable so the decision is testable and seeded runs repeat. */
export function decideFault(settings: FaultSettings, path: string, random: () => number): FaultDecision {
  if (settings.paths.length > 0 && !settings.paths.includes(path)) return 'none';
  const roll = random();
  let threshold = settings.dropRate;
  if (roll < threshold) return 'drop';
  threshold += settings.stallRate;
  if (roll < threshold) return 'stall';
  threshold += settings.errorRate;
  if (roll < threshold) return 'error';
  threshold += settings.lostAnswerRate;
  if (roll < threshold) return 'lose-answer';
  return 'none';
}

export function latencyFor(settings: FaultSettings, random: () => number): number {
  return settings.latencyMs.base + random() * settings.latencyMs.jitter;
}

/** Validates settings from the admin endpoint; throws naming the bad field. */
export function parseFaultSettings(input: unknown, current: FaultSettings, pathPrefix = '/api/'): FaultSettings {
  if (typeof input !== 'object' || input === null) throw new Error('fault settings must be a JSON object');
  const merged = { ...current, ...(input as Partial<FaultSettings>) };
  for (const field of ['errorRate', 'dropRate', 'stallRate', 'lostAnswerRate'] as const) {
    const value = merged[field];
    if (typeof value !== 'number' || value < 0 || value > 1) throw new Error(`${field} must be a number from 0 to 1`);
  }
  if (merged.errorRate + merged.dropRate + merged.stallRate + merged.lostAnswerRate > 1) throw new Error('the rates together must not exceed 1');
  const latency = merged.latencyMs;
  if (typeof latency?.base !== 'number' || typeof latency.jitter !== 'number' || latency.base < 0 || latency.jitter < 0) {
    throw new Error('latencyMs must be { base, jitter } with non-negative numbers');
  }
  if (!Array.isArray(merged.paths) || merged.paths.some((path) => typeof path !== 'string' || !path.startsWith(pathPrefix))) {
    throw new Error(`paths must be a list of paths starting with "${pathPrefix}" such as "${pathPrefix === '/api/' ? '/api/trade/balance' : '/Balance'}"`);
  }
  if (!Number.isInteger(merged.errorRetcode) || merged.errorRetcode <= 0) throw new Error('errorRetcode must be a positive MT retcode');
  return merged;
}
