import { createHash, randomBytes } from 'node:crypto';

const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();

/**
 * MT5 Web API password hash: MD5( MD5(UTF-16LE(password)) ++ "WebAPI" ), over raw bytes (hashing hex strings is the
 * classic bug and yields 403).
 */
export function webApiPasswordHash(password: string): Buffer {
  return md5(md5(Buffer.from(password, 'utf16le')), Buffer.from('WebAPI', 'ascii'));
}

/** hex( MD5(password_hash ++ bytes(random)) ): the answer to srv_rand (client) or cli_rand (server). */
export function answerRandom(passwordHash: Buffer, randomHex: string): string {
  if (!/^[0-9a-fA-F]{32}$/.test(randomHex)) throw new Error('random challenge must be 16 bytes of hex');
  return md5(passwordHash, Buffer.from(randomHex, 'hex')).toString('hex');
}

/** 16 random bytes as hex, for srv_rand / cli_rand. */
export function randomChallenge(): string {
  return randomBytes(16).toString('hex');
}
