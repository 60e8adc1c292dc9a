/** Logins from `first` to `last`, both included. */
export interface LoginRange {
  first: bigint;
  last: bigint;
}

/**
 * Where a server stands in its MT5 cluster: the main server owns the configuration (groups, symbols); every server owns
 * the accounts in its login ranges. The first range is where `login=0` allocates.
 */
export interface ServerPlacement {
  id: string;
  main: boolean;
  loginRanges: readonly LoginRange[];
}

export function ownsLogin(placement: ServerPlacement, login: bigint): boolean {
  return placement.loginRanges.some((range) => login >= range.first && login <= range.last);
}

/** The next login after the highest one in use in the allocation range (as MT5 counts on), or undefined when exhausted. */
export function nextFreeLogin(placement: ServerPlacement, used: Iterable<bigint>): bigint | undefined {
  const range = placement.loginRanges[0];
  if (!range) return undefined;
  let highest = range.first - 1n;
  for (const login of used) if (login >= range.first && login <= range.last && login > highest) highest = login;
  return highest < range.last ? highest + 1n : undefined;
}

export function rangesOverlap(a: LoginRange, b: LoginRange): boolean {
  return a.first <= b.last && b.first <= a.last;
}
