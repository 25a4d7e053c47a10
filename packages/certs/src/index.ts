export { plugin } from './plugin.js';
export { Certificate, certificateEvidence, parseNodeSan, type SanName, type PublicKeyInfo } from './certificate.js';
export {
  loadCertificates,
  loadCertificatesAsync,
  loadCertificateFile,
  readPasswordFile,
  type LoadOptions,
  type AsyncLoadOptions,
  type LoadResult,
  type CertificateFormat,
} from './load.js';
export { parsePem, toPem, looksLikePem, type PemBlock } from './pem.js';
export { sniffDer, sniffDerHead, readTlv, type DerShape, type Tlv } from './der.js';
export { readPkcs12InThread, runningPkcs12Workers } from './pkcs12-thread.js';
export { readPkcs12, setMaxKdfIterations, DEFAULT_MAX_KDF_ITERATIONS, type Pkcs12Contents } from './pkcs12.js';
export { signatureAlgorithmOf, WEAK_HASHES, type SignatureAlgorithm } from './algorithms.js';
export {
  coverage,
  dnsSanCovers,
  wildcardProblem,
  canonicalIp,
  normaliseName,
  documentedEdgeNames,
  commonNameOf,
  type NameCoverage,
} from './names.js';
export { buildPath, type PathResult, type PathEnd } from './chain.js';
export { createTrustStore, trustStoreFromFiles, bundledRoots, type TrustStore } from './trust-store.js';
export { evaluateChain, pathEvidence, EDGE_FIXES, type EvaluateOptions, type Evaluation, type Verdict } from './evaluate.js';
export { fetchPeerChain, type FetchChainOptions, type PeerChain } from './fetch.js';
export { parseHostPort } from './address.js';
export { recognisers, CERT_FILE_KINDS } from './recognise.js';
export { edgeCheck, webbridgeInternalCheck, filesCheck, judgeFiles } from './checks.js';
export { authorityReason, deploymentNames, roleOf, splitFile, type Role, type DeploymentNames, type Presented } from './roles.js';
export { CERT_CODES, CERT_FIXES } from './codes.js';
export { trustContext } from './tls-trust.js';
