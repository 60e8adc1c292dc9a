/** IMTDeal::EnDealAction values used by Tradewarden. */
export enum MtDealAction {
  BUY = 0,
  SELL = 1,
  BALANCE = 2,
  CREDIT = 3,
  CHARGE = 4,
  CORRECTION = 5,
  BONUS = 6,
}

/** `type` of /api/trade/balance. */
export enum MtBalanceType {
  BALANCE = 2,
  CREDIT = 3,
  CHARGE = 4,
  CORRECTION = 5,
  BONUS = 6,
}

/** IMTUser::EnUsersRights flags (the user record's `Rights`); new accounts default to 0x163. */
export enum MtUserRights {
  ENABLED = 0x1,
  PASSWORD = 0x2,
  TRADE_DISABLED = 0x4,
  INVESTOR = 0x8,
  CONFIRMED = 0x10,
  TRAILING = 0x20,
  EXPERT = 0x40,
  OBSOLETE = 0x80,
  REPORTS = 0x100,
  READONLY = 0x200,
  RESET_PASS = 0x400,
  OTP_ENABLED = 0x800,
  SPONSORED_HOSTING = 0x2000,
  API_ENABLED = 0x4000,
  PUSH_NOTIFICATION = 0x8000,
  TECHNICAL = 0x10000,
  EXCLUDE_REPORTS = 0x20000,
  DEFAULT = 0x163,
}
