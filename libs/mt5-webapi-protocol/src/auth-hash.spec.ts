import { answerRandom, webApiPasswordHash } from './auth-hash';

// MetaQuotes' worked example from the Web API "Authentication" page (docs/metatrader-apis.md 1.2).
describe('MT5 Web API authentication hash', () => {
  const hash = webApiPasswordHash('Password1');

  it('hashes the password as MD5(MD5(UTF-16LE) ++ "WebAPI") over raw bytes', () => {
    expect(hash.toString('hex')).toBe('904ba8ecb16273d2f0ae9c3b8a023752');
  });

  it('answers the server random', () => {
    expect(answerRandom(hash, '73007dc7184747ce0f7c98516ef1c851')).toBe('77fe51827f7fa69dd80fbec9aa33f1bb');
  });

  it('computes the expected answer to the client random', () => {
    expect(answerRandom(hash, '4db98fec17aab4dc5a240bdc659e8395')).toBe('1732021b1b332f51660b2b315eed3a35');
  });

  it('refuses a challenge that is not 16 bytes of hex', () => {
    expect(() => answerRandom(hash, 'abc')).toThrow('16 bytes of hex');
  });
});
