// The MMP screens the trust checks read, apart from the package index: that one also exports the
// API client, whose HTTP library an offline triage of MMP text must not load.
export { parseMmpWebbridge, hasMmpWebbridge, type MmpWebbridge } from './mmp/webbridge.js';
export { parseMmpWebbridge3, hasMmpWebbridge3, type MmpWebbridge3 } from './mmp/webbridge3.js';
export { parseMmpCallbridge, hasMmpCallbridge, type MmpCallbridge } from './mmp/callbridge.js';
