// Tradewarden's own configuration changed as operations: the shared view of a grant's and an approval policy's state,
// which intake shows approvers (before -> after) and the identity and approval services compare against (drift) and
// read back after applying a change.
export * from './platform-targets';
export * from './grant-state';
export * from './policy-state';
export * from './change-decision';
export * from './item-executed';
