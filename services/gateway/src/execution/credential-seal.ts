import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export type IssuedPasswords = Partial<Record<'main' | 'investor', string>>;

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM of the passwords, bound to the item id (a sealed value moved to another item does not open). */
export function sealPasswords(key: Buffer, itemId: string, passwords: IssuedPasswords): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(itemId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(passwords), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** Throws when the key, the item id or the bytes are not the ones sealed. */
export function openPasswords(key: Buffer, itemId: string, sealed: Buffer): IssuedPasswords {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(itemId, 'utf8'));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const plaintext = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  return JSON.parse(plaintext.toString('utf8')) as IssuedPasswords;
}
