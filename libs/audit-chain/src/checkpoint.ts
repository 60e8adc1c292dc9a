import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';

/** What a checkpoint vouches for: the chain up to `sequence` ends in `headHash`, as of `signedAt`. */
export interface CheckpointContent {
  sequence: string;
  headHash: string;
  /** ISO 8601 with milliseconds, UTC. */
  signedAt: string;
}

export interface SignedCheckpoint extends CheckpointContent {
  /** First 16 hex digits of the SHA-256 of the public key (DER, SPKI): which key signed. */
  keyId: string;
  /** Ed25519 signature over the RFC 8785 JSON of the content, base64. */
  signature: string;
}

export interface CheckpointKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  publicKeyPem: string;
}

/** The signing key from its PEM (PKCS#8); refused unless it is an Ed25519 key. */
export function checkpointKeyFromPem(pem: string): CheckpointKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the audit checkpoint key must be Ed25519, not ${privateKey.asymmetricKeyType ?? 'unknown'}`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

function signedBytes(content: CheckpointContent): Buffer {
  return Buffer.from(canonicalize({ sequence: content.sequence, headHash: content.headHash, signedAt: content.signedAt })!, 'utf8');
}

export function signCheckpoint(content: CheckpointContent, key: CheckpointKey): SignedCheckpoint {
  return { ...content, keyId: key.keyId, signature: sign(null, signedBytes(content), key.privateKey).toString('base64') };
}

/** Whether the checkpoint was signed by this public key and says what it says (anyone holding the key can check). */
export function checkpointVerifies(checkpoint: SignedCheckpoint, publicKeyPem: string): boolean {
  const publicKey = createPublicKey(publicKeyPem);
  if (keyIdOf(publicKey) !== checkpoint.keyId) return false;
  return verify(null, signedBytes(checkpoint), publicKey, Buffer.from(checkpoint.signature, 'base64'));
}

/** Whether a checkpoint is due: enough records since the last one, or records waiting for longer than the interval. */
export function checkpointDue(head: bigint, last: { sequence: bigint; signedAt: Date } | undefined, now: Date, every: { records: number; seconds: number }): boolean {
  const since = head - (last?.sequence ?? 0n);
  if (since <= 0n) return false;
  if (since >= BigInt(every.records)) return true;
  return !last || now.getTime() - last.signedAt.getTime() >= every.seconds * 1000;
}
