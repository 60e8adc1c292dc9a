import { parseRetcode } from './retcode';

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
