/** A policy that cannot be used as written; the message names the key (and line) to fix. */
export class PolicyError extends Error {
  override name = 'PolicyError';
}
