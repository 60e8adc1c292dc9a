import { MtUserRights } from './enums';

describe('MtUserRights', () => {
  it('defaults to the documented 0x163 (355)', () => {
    expect(MtUserRights.DEFAULT).toBe(0x163);
    expect(MtUserRights.DEFAULT).toBe(355);
  });

  it('reads "Rights: 5" as enabled with trading disabled, not as "may change password"', () => {
    expect(5 & MtUserRights.TRADE_DISABLED).toBeTruthy();
    expect(5 & MtUserRights.PASSWORD).toBeFalsy();
  });
});
