import { setFlagsFromString } from 'node:v8';

// Node 20's V8 crashes the process ("Fatal error: unreachable code" in Deoptimizer::DoComputeBuiltinContinuation) when
// optimized code that inlined a JS-to-Wasm call is deoptimized lazily while Cedar's wasm calls back into JS; repeated
// Authorize calls reproduce it within seconds. Without inlining those calls the crash is gone and a decision costs the
// same (the wasm work dominates). Set before the Cedar module is used, so no optimized code inlines it first.
setFlagsFromString('--no-turbo-inline-js-wasm-calls');

export { checkParsePolicySet, preparsePolicySet, statefulIsAuthorized, validate, type EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
