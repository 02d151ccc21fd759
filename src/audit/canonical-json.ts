/** Canonical JSON and the action hash are part of the wire contract; the audit log hashes with the same. */
export { actionHash, canonicalJson } from '../contract/canonical-json.js';
