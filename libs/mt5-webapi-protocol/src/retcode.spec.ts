import { MtRetcode, parseRetcode, retcodeText } from './retcode';

describe('parseRetcode', () => {
  it('splits code and text', () => {
    expect(parseRetcode('3006 Invalid account password')).toEqual({ code: 3006, text: 'Invalid account password', raw: '3006 Invalid account password' });
  });

  it('accepts a bare code', () => {
    expect(parseRetcode('0')).toMatchObject({ code: 0, text: '' });
  });

  it.each([[undefined], [0], ['Done'], ['']])('rejects %p', (raw) => {
    expect(() => parseRetcode(raw)).toThrow();
  });
});

describe('retcodeText', () => {
  it.each([
    [MtRetcode.USR_LOGIN_PROHIBITED, 'Login belongs to another server'],
    [MtRetcode.USR_LOGIN_EXIST, 'Account already exists'],
    [MtRetcode.API_MAIN_SERVER_ONLY, 'Main server only'],
    [MtRetcode.CFG_BUILTIN, 'CFG_BUILTIN'],
  ])('names %d', (code, text) => {
    expect(retcodeText(code)).toBe(text);
  });
});
