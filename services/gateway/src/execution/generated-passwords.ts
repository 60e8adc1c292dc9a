import { randomInt } from 'node:crypto';

// Passwords the gateway generates must pass every MT server's rules: MT5 wants 8-16 characters with lower and upper
// case, a digit and a special character (a group may raise the minimum); MT4 keeps at most 15 characters and wants
// letters and digits. Fifteen characters from each class satisfy both.
const LENGTH = 15;
const CLASSES = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '#@%+=-_!'] as const;

/** A random password of 15 characters with at least one of each class, from a CSPRNG. */
export function generatePassword(): string {
  const all = CLASSES.join('');
  const chars = CLASSES.map((set) => set[randomInt(set.length)]!);
  while (chars.length < LENGTH) chars.push(all[randomInt(all.length)]!);
  // Fisher-Yates, so the guaranteed characters are not always first.
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
