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
