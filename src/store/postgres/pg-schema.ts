import { reviewBinSql } from '../../domain/approver-stats.js';

/**
 * Ordered migrations; `countersign_migrations` records which have run. Times
 * are ISO 8601 UTC text, as in SQLite, so both stores order and compare them
 * the same way; `json` (not `jsonb`) keeps documents byte for byte.
 */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE proposals (
    id text PRIMARY KEY,
    status text NOT NULL,
    created_at text NOT NULL,
    expires_at text NOT NULL,
    doc json NOT NULL
  );
  CREATE INDEX proposals_by_status ON proposals (status, created_at);
  CREATE INDEX proposals_by_created ON proposals (created_at);
  CREATE INDEX proposals_pending_by_expiry ON proposals (expires_at) WHERE status = 'pending';

  CREATE TABLE decisions (
    proposal_id text NOT NULL,
    identity text NOT NULL,
    principal text NOT NULL,
    verdict text NOT NULL,
    at text NOT NULL,
    review_ms bigint NOT NULL,
    PRIMARY KEY (proposal_id, identity)
  );

  CREATE TABLE views (
    proposal_id text NOT NULL,
    identity text NOT NULL,
    first_at bigint NOT NULL,
    PRIMARY KEY (proposal_id, identity)
  );

  CREATE TABLE identities (
    name text PRIMARY KEY,
    kind text NOT NULL,
    owner text REFERENCES identities (name),
    principal text NOT NULL,
    roles json NOT NULL,
    created_at text NOT NULL,
    token_id text NOT NULL UNIQUE,
    token_hash bytea NOT NULL
  );

  CREATE TABLE audit_events (
    seq bigint PRIMARY KEY,
    at text NOT NULL,
    type text NOT NULL,
    proposal_id text,
    actor text NOT NULL,
    reason text,
    data json NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL
  );
  CREATE INDEX audit_events_by_proposal ON audit_events (proposal_id, seq);

  -- The chain's head: one row, locked FOR UPDATE by every append, so replicas
  -- seal events one transaction at a time and seq never forks or skips.
  CREATE TABLE audit_head (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq bigint NOT NULL,
    hash text NOT NULL
  );
  INSERT INTO audit_head (seq, hash) VALUES (0, repeat('0', 64));

  -- The log is append-only: changing or removing an event is an error, not a silent no-op.
  CREATE FUNCTION audit_events_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
  END $$;
  CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse();
  CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse();

  -- A least-privilege role for the server: it may append to the log but never
  -- change or remove it. Roles are cluster-wide, so it may exist already; a
  -- migrating user without CREATEROLE skips it (see the README).
  DO $$
  BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'countersign_app') THEN
      CREATE ROLE countersign_app NOLOGIN;
    END IF;
  EXCEPTION WHEN duplicate_object OR insufficient_privilege THEN
    RAISE NOTICE 'role countersign_app not created: %', SQLERRM;
  END $$;
  DO $$
  BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'countersign_app') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO countersign_app', current_schema());
      GRANT SELECT, INSERT, UPDATE ON proposals TO countersign_app;
      GRANT SELECT, INSERT ON decisions, views, identities, audit_events TO countersign_app;
      GRANT SELECT, UPDATE ON audit_head TO countersign_app;
      GRANT SELECT ON countersign_migrations TO countersign_app;
    END IF;
  END $$;
  `,
  `
  -- Complete subtrees of the RFC 6962 Merkle tree over audit events, written
  -- in the transaction that appends the events; proofs read O(log n) of them.
  -- The head row keeps the tree's frontier, so an append reads nothing more.
  -- Kept for the rubber-stamp review (one-word reasons).
  ALTER TABLE decisions ADD COLUMN reason text;
  CREATE INDEX audit_events_by_type ON audit_events (type, seq);
  -- id is the node's post-order storageIndex (src/audit/merkle.ts): appends write at the end.
  CREATE TABLE merkle_nodes (
    id bigint PRIMARY KEY,
    hash bytea NOT NULL
  );
  ALTER TABLE audit_head ADD COLUMN frontier bytea[] NOT NULL DEFAULT '{}';
  CREATE FUNCTION merkle_nodes_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'merkle_nodes is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
  END $$;
  CREATE TRIGGER merkle_nodes_no_update BEFORE UPDATE OR DELETE ON merkle_nodes
    FOR EACH ROW EXECUTE FUNCTION merkle_nodes_refuse();
  CREATE TRIGGER merkle_nodes_no_truncate BEFORE TRUNCATE ON merkle_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION merkle_nodes_refuse();

  CREATE TABLE checkpoints (
    tree_size bigint PRIMARY KEY,
    root_hash text NOT NULL,
    note text NOT NULL,
    signed_at text NOT NULL
  );
  DO $$
  BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'countersign_app') THEN
      GRANT SELECT, INSERT ON merkle_nodes, checkpoints TO countersign_app;
    END IF;
  END $$;
  `,
  `
  -- Webhook notifications: an outbox any replica delivers from (leased with
  -- SKIP LOCKED), so a decision never waits on a receiver and every attempt's
  -- result stays visible.
  CREATE TABLE deliveries (
    id text PRIMARY KEY,
    webhook text NOT NULL,
    event_type text NOT NULL,
    proposal_id text,
    seq bigint,
    body text NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at bigint NOT NULL,
    lease_until bigint NOT NULL DEFAULT 0,
    last_error text,
    created_at text NOT NULL,
    delivered_at text
  );
  CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
  CREATE INDEX deliveries_by_proposal ON deliveries (proposal_id);
  CREATE INDEX deliveries_by_created ON deliveries (created_at);
  CREATE INDEX deliveries_by_seq ON deliveries (seq);
  -- A proposer's retry of one proposal carries the same key: it gets the proposal, not a second one.
  ALTER TABLE proposals ADD COLUMN proposer text;
  ALTER TABLE proposals ADD COLUMN idempotency_key text;
  ALTER TABLE proposals ADD COLUMN request_hash text;
  CREATE UNIQUE INDEX proposals_by_idempotency_key ON proposals (proposer, idempotency_key) WHERE idempotency_key IS NOT NULL;

  -- The rubber-stamp review reads a window of recent decisions.
  CREATE INDEX decisions_by_at ON decisions (at);

  -- One refusal for every append-only table, naming the table (replaces one copy per table).
  CREATE FUNCTION append_only_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
  END $$;
  DROP TRIGGER audit_events_no_update ON audit_events;
  DROP TRIGGER audit_events_no_truncate ON audit_events;
  DROP TRIGGER merkle_nodes_no_update ON merkle_nodes;
  DROP TRIGGER merkle_nodes_no_truncate ON merkle_nodes;
  CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION append_only_refuse();
  CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
  CREATE TRIGGER merkle_nodes_no_update BEFORE UPDATE OR DELETE ON merkle_nodes
    FOR EACH ROW EXECUTE FUNCTION append_only_refuse();
  CREATE TRIGGER merkle_nodes_no_truncate BEFORE TRUNCATE ON merkle_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
  DROP FUNCTION audit_events_refuse();
  DROP FUNCTION merkle_nodes_refuse();

  -- UI sessions that were signed out, until they would have expired: every replica refuses them.
  CREATE TABLE revoked_sessions (
    sid text PRIMARY KEY,
    expires_at bigint NOT NULL
  );
  DO $$
  BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'countersign_app') THEN
      GRANT SELECT, INSERT, UPDATE ON deliveries TO countersign_app;
      GRANT SELECT, INSERT, DELETE ON revoked_sessions TO countersign_app;
    END IF;
  END $$;
  `,
  `
  -- Stored checkpoints are append-only like the log: changing or removing one is an error.
  CREATE TRIGGER checkpoints_no_update BEFORE UPDATE OR DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION append_only_refuse();
  CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse();
  `,
  `
  -- Keys that sign decisions, per identity. The audit log holds the same facts
  -- (key.registered with the public key, key.revoked), so signatures verify from the log alone.
  CREATE TABLE signing_keys (
    key_id text PRIMARY KEY,
    identity text NOT NULL REFERENCES identities (name),
    kind text NOT NULL,
    public_key text NOT NULL,
    label text,
    created_at text NOT NULL,
    revoked_at text,
    revoked_by text
  );
  CREATE INDEX signing_keys_by_identity ON signing_keys (identity, created_at);
  DO $$
  BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'countersign_app') THEN
      GRANT SELECT, INSERT, UPDATE ON signing_keys TO countersign_app;
    END IF;
  END $$;
  `,
  `
  -- Approver statistics kept per approver per UTC day, written with each decision, so the
  -- report reads O(approvers × days), never the decisions: counts, and histograms of review
  -- times and of gaps between an approver's consecutive approvals (bins: reviewBin).
  CREATE TABLE approver_days (
    day text NOT NULL,
    identity text NOT NULL,
    principal text NOT NULL,
    decisions bigint NOT NULL,
    approvals bigint NOT NULL,
    one_word_reasons bigint NOT NULL,
    PRIMARY KEY (day, identity)
  );
  CREATE TABLE approver_bins (
    day text NOT NULL,
    identity text NOT NULL,
    kind text NOT NULL,
    bin bigint NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (day, identity, kind, bin)
  );
  -- An approver's previous approval, for the gap to the next one.
  CREATE INDEX decisions_by_approver ON decisions (identity, verdict, at);

  INSERT INTO approver_days (day, identity, principal, decisions, approvals, one_word_reasons)
    SELECT substr(at, 1, 10), identity, max(principal), count(*), count(*) FILTER (WHERE verdict = 'approve'),
      count(*) FILTER (WHERE verdict = 'approve' AND reason IS NOT NULL AND btrim(reason, E' \\t\\n\\r') !~ '[[:space:]]')
    FROM decisions GROUP BY 1, 2;
  INSERT INTO approver_bins (day, identity, kind, bin, n)
    SELECT substr(at, 1, 10), identity, 'review', ${reviewBinSql('review_ms')}, count(*) FROM decisions GROUP BY 1, 2, 4;
  INSERT INTO approver_bins (day, identity, kind, bin, n)
    SELECT day, identity, 'gap', ${reviewBinSql('gap')}, count(*) FROM (
      SELECT substr(at, 1, 10) AS day, identity,
        round(extract(epoch FROM (at::timestamptz - lag(at::timestamptz) OVER (PARTITION BY identity ORDER BY at))) * 1000)::bigint AS gap
      FROM decisions WHERE verdict = 'approve'
    ) AS gaps WHERE gap IS NOT NULL GROUP BY 1, 2, 4;
  DO $$
  BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'countersign_app') THEN
      GRANT SELECT, INSERT, UPDATE ON approver_days, approver_bins TO countersign_app;
    END IF;
  END $$;
  `,
  `
  -- A passkey's signature counter: an assertion whose counter does not grow is a replay or a clone.
  ALTER TABLE signing_keys ADD COLUMN sign_count bigint NOT NULL DEFAULT 0;
  `,
  `
  -- A person signs in through the identity provider as the identity linked to its subject (or verified e-mail).
  ALTER TABLE identities ADD COLUMN oidc_subject text;
  ALTER TABLE identities ADD COLUMN email text;
  CREATE UNIQUE INDEX identities_by_oidc_subject ON identities (oidc_subject) WHERE oidc_subject IS NOT NULL;
  CREATE UNIQUE INDEX identities_by_email ON identities (email) WHERE email IS NOT NULL;
  `,
];

/** The first version whose tables hold everything the auditor commands read. */
export const READABLE_FROM = 3;
