/** SHA-256 fingerprints compare without colons and case ("AB:CD:..." and "abcd..." are the same certificate). */
export function sameFingerprint(a: string, b: string): boolean {
  const normalize = (value: string) => value.replace(/:/g, '').toLowerCase();
  return normalize(a) === normalize(b);
}
