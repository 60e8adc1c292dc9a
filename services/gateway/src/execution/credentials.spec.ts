import { randomBytes, randomUUID } from 'node:crypto';
import { openPasswords, sealPasswords } from './credential-seal';
import { generatePassword } from './generated-passwords';

describe('generated passwords', () => {
  it('pass the MT5 rules (8-16, lower, upper, digit, special) and the MT4 ones (at most 15, letters and digits)', () => {
    for (let i = 0; i < 500; i += 1) {
      const password = generatePassword();
      expect(password).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[^A-Za-z0-9]).{8,15}$/);
    }
  });

  it('do not repeat', () => {
    expect(new Set(Array.from({ length: 1000 }, generatePassword)).size).toBe(1000);
  });
});

describe('sealed passwords', () => {
  const key = randomBytes(32);

  it('open with the same key and item id', () => {
    const itemId = randomUUID();
    expect(openPasswords(key, itemId, sealPasswords(key, itemId, { main: 'Ab3#xyzxyzxyzxy' }))).toEqual({ main: 'Ab3#xyzxyzxyzxy' });
  });

  it('do not open under another key, for another item, or when a byte changed', () => {
    const itemId = randomUUID();
    const sealed = sealPasswords(key, itemId, { investor: 'Cd4%xyzxyzxyzxy' });
    expect(() => openPasswords(randomBytes(32), itemId, sealed)).toThrow();
    expect(() => openPasswords(key, randomUUID(), sealed)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => openPasswords(key, itemId, tampered)).toThrow();
    expect(sealed.toString('utf8')).not.toContain('Cd4%');
  });
});
