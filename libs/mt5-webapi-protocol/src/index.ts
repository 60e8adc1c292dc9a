export { webApiPasswordHash, answerRandom, randomChallenge } from './auth-hash';
export { parseRetcode, MtRetcode, retcodeText } from './retcode';
export type { ParsedRetcode } from './retcode';
export { MtDealAction, MtBalanceType, MtRequestAction, MtUserRights } from './enums';
export type { WebApiUser, WebApiTradeAccount, WebApiDeal } from './records';
export { matchesGroupMask } from './group-mask';
