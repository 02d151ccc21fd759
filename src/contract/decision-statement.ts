import { canonicalJson } from './canonical-json.js';

/** What a signed decision says, field for field (DESIGN.md §8). */
export interface DecisionStatementFields {
  proposal_id: string;
  /** Exactly as the proposal carries it: `sha256:…`. */
  action_hash: string;
  decision: 'approve' | 'reject';
  /** The reason as the server records it: without leading or trailing white space. */
  reason: string;
  /** The deciding identity's name. */
  identity: string;
}

/**
 * The bytes a decision's signature covers: the UTF-8 of the RFC 8785
 * canonical JSON of exactly these five fields, so a signature over one
 * proposal, action, verdict, reason or identity says nothing about another.
 *
 * @example
 * const bytes = decisionStatement({ proposal_id: p.id, action_hash: p.action_hash, decision: 'approve', reason: 'checked the backup', identity: 'alice' });
 * const sig = sign(null, bytes, privateKey).toString('base64url');
 */
export function decisionStatement(fields: DecisionStatementFields): Buffer {
  const { proposal_id, action_hash, decision, reason, identity } = fields;
  return Buffer.from(canonicalJson({ proposal_id, action_hash, decision, reason, identity }), 'utf8');
}
