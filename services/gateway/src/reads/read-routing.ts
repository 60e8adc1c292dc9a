/** Where a live read of one MT server is served. */
export type ReadRoute = { kind: 'local' } | { kind: 'forward'; to: string };

export interface ReadRoutingFacts {
  /** This instance holds the execution partition of the server: its pool is the server's home. */
  holdsServerHere: boolean;
  /** The advertised address of the instance holding that partition, if one does (a live lock), else undefined. */
  holder: string | undefined;
  /** This instance's advertised address. */
  self: string;
  /** The call was forwarded by another instance already. */
  forwarded: boolean;
}

/**
 * A server's traffic belongs in the instance that executes it: reads queue there fairly with the executions in one
 * pool instead of competing for the deployment's connection slots from several instances. A read is served here when
 * this instance is that home, when no instance holds the server (a rebalance; the slots still keep the cap), or when it
 * was forwarded once already (no second hop, whatever another instance believes).
 */
export function readRoute(facts: ReadRoutingFacts): ReadRoute {
  if (facts.forwarded || facts.holdsServerHere || facts.holder === undefined || facts.holder === facts.self) return { kind: 'local' };
  return { kind: 'forward', to: facts.holder };
}

/** The name of the lock session, which tells the other instances where this one answers gRPC. */
export function lockSessionName(advertisedAddress: string, pid: number): string {
  return `tw-gateway ${advertisedAddress} ${pid}`;
}

/** The advertised address in a lock session's name, or undefined for a name not made by lockSessionName. */
export function addressInLockSessionName(name: string): string | undefined {
  return /^tw-gateway (\S+) \d+$/.exec(name)?.[1];
}

/** PostgreSQL keeps 63 bytes of an application_name: the name above with a 7-digit pid leaves 44 for the address. */
export const MAX_ADVERTISED_ADDRESS_LENGTH = 63 - 'tw-gateway '.length - ' 1234567'.length;
