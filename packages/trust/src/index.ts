export { plugin } from './plugin.js';
export { judgeTrust, type TrustInputs, type NamedCertificates } from './judge.js';
export { trustBundleCheck } from './checks.js';
export { recognisers, MMP_TRUST_KINDS, CMS_MMP_KINDS } from './recognise.js';
