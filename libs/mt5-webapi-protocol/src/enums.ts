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

/** IMTUser::EnUsersRights: the account's flag bits (`Rights`; docs/metatrader-apis.md 1.5). */
export enum MtUserRights {
  NONE = 0x0,
  ENABLED = 0x1,
  /** The client may change the password. */
  PASSWORD = 0x2,
  TRADE_DISABLED = 0x4,
  INVESTOR = 0x8,
  CONFIRMED = 0x10,
  TRAILING = 0x20,
  EXPERT = 0x40,
  /** 0x80 is obsolete. */
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
  /** What a new account gets: ENABLED | PASSWORD | TRAILING | EXPERT | REPORTS (0x163 = 355). */
  DEFAULT = ENABLED | PASSWORD | TRAILING | EXPERT | REPORTS,
}

/** IMTRequest::EnTradeActions of the dealer queue (/api/dealer/send_request `Action`). */
export enum MtRequestAction {
  POS_EXECUTE = 200,
  ORD_PENDING = 201,
  POS_MODIFY = 202,
  ORD_MODIFY = 203,
  ORD_REMOVE = 204,
  ORD_ACTIVATE = 205,
  BALANCE = 206,
  ORD_SLIMIT = 207,
  CLOSE_BY = 208,
}
