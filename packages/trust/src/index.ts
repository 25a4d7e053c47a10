export { plugin } from './plugin.js';
export { judgeTrust, type TrustInputs, type NamedCertificates } from './judge.js';
export { judgeC2wTrust, c2wAnchor, type C2wTrustInputs, type Webbridge3Screen } from './c2w.js';
export { trustBundleCheck, c2wTrustCheck } from './checks.js';
export { TRUST_CODES, TRUST_FIXES } from './codes.js';
export { MMP_KINDS } from './kinds.js';
