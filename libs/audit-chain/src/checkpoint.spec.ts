import { generateKeyPairSync } from 'node:crypto';
import { checkpointDue, checkpointKeyFromPem, checkpointVerifies, signCheckpoint } from './checkpoint';

const pem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('signed checkpoints', () => {
  const key = checkpointKeyFromPem(pem());
  const content = { sequence: '1000', headHash: 'ab'.repeat(32), signedAt: '2026-11-27T07:00:00.000Z' };

  it('verifies with the public key alone, and names the key', () => {
    const signed = signCheckpoint(content, key);
    expect(signed.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(checkpointVerifies(signed, key.publicKeyPem)).toBe(true);
  });

  it('fails for a changed sequence, head hash or time, and for another key', () => {
    const signed = signCheckpoint(content, key);
    expect(checkpointVerifies({ ...signed, sequence: '999' }, key.publicKeyPem)).toBe(false);
    expect(checkpointVerifies({ ...signed, headHash: 'cd'.repeat(32) }, key.publicKeyPem)).toBe(false);
    expect(checkpointVerifies({ ...signed, signedAt: '2026-11-27T07:00:00.001Z' }, key.publicKeyPem)).toBe(false);
    expect(checkpointVerifies(signed, checkpointKeyFromPem(pem()).publicKeyPem)).toBe(false);
  });

  it('refuses a key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => checkpointKeyFromPem(rsa)).toThrow('must be Ed25519, not rsa');
  });
});

describe('checkpointDue', () => {
  const every = { records: 100, seconds: 60 };
  const now = new Date('2026-11-27T07:00:00Z');

  it('is due after enough records, or when records waited longer than the interval', () => {
    expect(checkpointDue(100n, undefined, now, every)).toBe(true);
    expect(checkpointDue(5n, undefined, now, every)).toBe(true);
    expect(checkpointDue(150n, { sequence: 100n, signedAt: new Date('2026-11-27T06:59:30Z') }, now, every)).toBe(false);
    expect(checkpointDue(150n, { sequence: 100n, signedAt: new Date('2026-11-27T06:59:00Z') }, now, every)).toBe(true);
    expect(checkpointDue(200n, { sequence: 100n, signedAt: new Date('2026-11-27T06:59:59Z') }, now, every)).toBe(true);
  });

  it('is never due without new records', () => {
    expect(checkpointDue(0n, undefined, now, every)).toBe(false);
    expect(checkpointDue(100n, { sequence: 100n, signedAt: new Date('2026-11-27T06:00:00Z') }, now, every)).toBe(false);
  });
});
