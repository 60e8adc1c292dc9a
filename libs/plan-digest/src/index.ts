export { planDigest, itemDigest, PlanDigestBuilder } from './plan-digest';
