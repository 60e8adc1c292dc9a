export * from './hash-chain';
export * from './checkpoint';
export { accountsNamedIn } from './accounts-named';
