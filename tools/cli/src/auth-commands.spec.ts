import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loginPassword } from './auth-commands';
import { readSession, removeSession, tokenFilePath, writeSession } from './token-store';

describe('loginPassword', () => {
  it('uses --password, then TRADEWARDEN_PASSWORD, then the demo password', () => {
    expect(loginPassword('agent', 'given', { TRADEWARDEN_PASSWORD: 'env' })).toBe('given');
    expect(loginPassword('agent', undefined, { TRADEWARDEN_PASSWORD: 'env' })).toBe('env');
    expect(loginPassword('supervisor2', undefined, {})).toBe('supervisor2-demo-pass');
  });

  it('asks for a password for anyone else', () => {
    expect(() => loginPassword('mallory', undefined, {})).toThrow('--password (or TRADEWARDEN_PASSWORD) is needed for mallory');
  });
});

describe('token store', () => {
  it('keeps the session in a file only its owner can read, where TRADEWARDEN_TOKEN_FILE says', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tw-cli-')), 'nested', 'token.json');
    expect(tokenFilePath({ TRADEWARDEN_TOKEN_FILE: path })).toBe(path);
    expect(tokenFilePath({})).toMatch(/\.config\/tradewarden\/token\.json$/);
    const session = { keycloakUrl: 'http://k', realm: 'r', clientId: 'tradewarden-cli', grant: 'password' as const, principal: 'agent', accessToken: 'a', accessTokenExpiresAt: 1, refreshToken: 'r' };
    writeSession(path, session);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readSession(path)).toEqual(session);
    expect(removeSession(path)).toBe(true);
    expect(readSession(path)).toBeUndefined();
  });
});
