import { reviewBinSql } from '../../domain/approver-stats.js';

/** A trimmed reason with no whitespace left inside: one word (as `isOneWordApproval`, for ASCII whitespace). */
const WS = "' ' || char(9) || char(10) || char(13)";
const ONE_WORD = `(verdict = 'approve' AND reason IS NOT NULL AND instr(trim(reason, ${WS}), ' ') = 0 AND instr(trim(reason, ${WS}), char(9)) = 0 AND instr(trim(reason, ${WS}), char(10)) = 0 AND instr(trim(reason, ${WS}), char(13)) = 0)`;

/** Ordered migrations; `PRAGMA user_version` records how many have run. */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE proposals (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    doc TEXT NOT NULL
  ) STRICT;
  CREATE INDEX proposals_by_status ON proposals (status, created_at);
  CREATE INDEX proposals_by_created ON proposals (created_at);
  CREATE INDEX proposals_pending_by_expiry ON proposals (expires_at) WHERE status = 'pending';

  CREATE TABLE decisions (
    proposal_id TEXT NOT NULL,
    identity TEXT NOT NULL,
    principal TEXT NOT NULL,
    verdict TEXT NOT NULL,
    at TEXT NOT NULL,
    review_ms INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, identity)
  ) STRICT;

  CREATE TABLE views (
    proposal_id TEXT NOT NULL,
    identity TEXT NOT NULL,
    first_at INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, identity)
  ) STRICT;

  CREATE TABLE identities (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    owner TEXT REFERENCES identities (name),
    principal TEXT NOT NULL,
    roles TEXT NOT NULL,
    created_at TEXT NOT NULL,
    token_id TEXT NOT NULL UNIQUE,
    token_hash BLOB NOT NULL
  ) STRICT;

  CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    type TEXT NOT NULL,
    proposal_id TEXT,
    actor TEXT NOT NULL,
    reason TEXT,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  ) STRICT;
  CREATE INDEX audit_events_by_proposal ON audit_events (proposal_id, seq);

  -- The log is append-only: changing or removing an event is an error, not a silent no-op.
  CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END;
  CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
  BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END;
  `,
  `
  -- Complete subtrees of the RFC 6962 Merkle tree over audit events, written
  -- in the transaction that appends the events; proofs read O(log n) of them.
  -- Kept for the rubber-stamp review (one-word reasons).
  ALTER TABLE decisions ADD COLUMN reason TEXT;
  CREATE INDEX audit_events_by_type ON audit_events (type, seq);
  -- id is the node's post-order storageIndex (src/audit/merkle.ts): appends write at the end.
  CREATE TABLE merkle_nodes (
    id INTEGER PRIMARY KEY,
    hash BLOB NOT NULL
  ) STRICT;
  CREATE TRIGGER merkle_nodes_no_update BEFORE UPDATE ON merkle_nodes
  BEGIN SELECT RAISE(ABORT, 'merkle_nodes is append-only: UPDATE refused'); END;
  CREATE TRIGGER merkle_nodes_no_delete BEFORE DELETE ON merkle_nodes
  BEGIN SELECT RAISE(ABORT, 'merkle_nodes is append-only: DELETE refused'); END;

  CREATE TABLE checkpoints (
    tree_size INTEGER PRIMARY KEY,
    root_hash TEXT NOT NULL,
    note TEXT NOT NULL,
    signed_at TEXT NOT NULL
  ) STRICT;
  `,
  `
  -- Webhook notifications: an outbox the server delivers from, so a decision
  -- never waits on a receiver and every attempt's result stays visible.
  CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    webhook TEXT NOT NULL,
    event_type TEXT NOT NULL,
    proposal_id TEXT,
    seq INTEGER,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT
  ) STRICT;
  CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
  CREATE INDEX deliveries_by_proposal ON deliveries (proposal_id);
  CREATE INDEX deliveries_by_created ON deliveries (created_at);
  CREATE INDEX deliveries_by_seq ON deliveries (seq);
  -- A proposer's retry of one proposal carries the same key: it gets the proposal, not a second one.
  ALTER TABLE proposals ADD COLUMN proposer TEXT;
  ALTER TABLE proposals ADD COLUMN idempotency_key TEXT;
  ALTER TABLE proposals ADD COLUMN request_hash TEXT;
  CREATE UNIQUE INDEX proposals_by_idempotency_key ON proposals (proposer, idempotency_key) WHERE idempotency_key IS NOT NULL;

  -- The rubber-stamp review reads a window of recent decisions.
  CREATE INDEX decisions_by_at ON decisions (at);

  -- UI sessions that were signed out, until they would have expired: every replica refuses them.
  CREATE TABLE revoked_sessions (
    sid TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  ) STRICT;
  `,
  `
  -- The log's head in one row, as in PostgreSQL: the event the next one links to and the Merkle
  -- frontier the next leaf attaches to (32-byte hashes end to end; empty until the first open
  -- after this migration reads it from the stored tree, or builds the tree).
  CREATE TABLE audit_head (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    frontier BLOB NOT NULL DEFAULT x''
  ) STRICT;
  INSERT INTO audit_head (one, seq, hash)
    SELECT 1, coalesce(max(seq), 0), coalesce((SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000') FROM audit_events;

  -- Stored checkpoints are append-only like the log: changing or removing one is an error.
  CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
  BEGIN SELECT RAISE(ABORT, 'checkpoints is append-only: UPDATE refused'); END;
  CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
  BEGIN SELECT RAISE(ABORT, 'checkpoints is append-only: DELETE refused'); END;
  `,
  `
  -- Keys that sign decisions, per identity. The audit log holds the same facts
  -- (key.registered with the public key, key.revoked), so signatures verify from the log alone.
  CREATE TABLE signing_keys (
    key_id TEXT PRIMARY KEY,
    identity TEXT NOT NULL REFERENCES identities (name),
    kind TEXT NOT NULL,
    public_key TEXT NOT NULL,
    label TEXT,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
  ) STRICT;
  CREATE INDEX signing_keys_by_identity ON signing_keys (identity, created_at);
  `,
  `
  -- Approver statistics kept per approver per UTC day, written with each decision, so the
  -- report reads O(approvers × days), never the decisions: counts, and histograms of review
  -- times and of gaps between an approver's consecutive approvals (bins: reviewBin).
  CREATE TABLE approver_days (
    day TEXT NOT NULL,
    identity TEXT NOT NULL,
    principal TEXT NOT NULL,
    decisions INTEGER NOT NULL,
    approvals INTEGER NOT NULL,
    one_word_reasons INTEGER NOT NULL,
    PRIMARY KEY (day, identity)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE approver_bins (
    day TEXT NOT NULL,
    identity TEXT NOT NULL,
    kind TEXT NOT NULL,
    bin INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (day, identity, kind, bin)
  ) STRICT, WITHOUT ROWID;
  -- An approver's previous approval, for the gap to the next one.
  CREATE INDEX decisions_by_approver ON decisions (identity, verdict, at);

  INSERT INTO approver_days (day, identity, principal, decisions, approvals, one_word_reasons)
    SELECT substr(at, 1, 10), identity, max(principal), count(*), sum(verdict = 'approve'), sum(${ONE_WORD}) FROM decisions GROUP BY 1, 2;
  INSERT INTO approver_bins (day, identity, kind, bin, n)
    SELECT substr(at, 1, 10), identity, 'review', ${reviewBinSql('review_ms')}, count(*) FROM decisions GROUP BY 1, 2, 4;
  INSERT INTO approver_bins (day, identity, kind, bin, n)
    SELECT day, identity, 'gap', ${reviewBinSql('gap')}, count(*) FROM (
      SELECT substr(at, 1, 10) AS day, identity,
        CAST(round((julianday(at) - julianday(lag(at) OVER (PARTITION BY identity ORDER BY at))) * 86400000) AS INTEGER) AS gap
      FROM decisions WHERE verdict = 'approve'
    ) WHERE gap IS NOT NULL GROUP BY 1, 2, 4;
  `,
  `
  -- A passkey's signature counter: an assertion whose counter does not grow is a replay or a clone.
  ALTER TABLE signing_keys ADD COLUMN sign_count INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- A person signs in through the identity provider as the identity linked to its subject (or verified e-mail).
  ALTER TABLE identities ADD COLUMN oidc_subject TEXT;
  ALTER TABLE identities ADD COLUMN email TEXT;
  CREATE UNIQUE INDEX identities_by_oidc_subject ON identities (oidc_subject) WHERE oidc_subject IS NOT NULL;
  CREATE UNIQUE INDEX identities_by_email ON identities (email) WHERE email IS NOT NULL;
  `,
];

/** The first version whose tables hold everything the auditor commands read: older files are read through a migrated copy in memory. */
export const READABLE_FROM = 3;
