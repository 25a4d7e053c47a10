export { plugin } from './plugin.js';
export { judgeTrust, type TrustInputs, type NamedCertificates } from './judge.js';
export { trustBundleCheck } from './checks.js';
export { MMP_KINDS } from './kinds.js';
