export { planDigest } from './plan-digest';
