import { actionHash } from '../contract/canonical-json.js';
import type { Action, Grant, Proposal, ProposalInput } from '../contract/proposal-types.js';
import { ActionMismatch, ApiError, ProposalExpired, ProposalRejected, StillPending } from './errors.js';
import { retryUnreachable, type RetryPolicy } from './wait.js';

/**
 * The API calls the gate builds on (a subset of the client), so a test can pass its own.
 *
 * @example
 * const gate = createGate(createClient({ url, token }) satisfies GateApi);
 */
export interface GateApi {
  propose(input: ProposalInput, signal?: AbortSignal, idempotencyKey?: string): Promise<Proposal>;
  waitForDecision(id: string, waitSeconds: number, signal?: AbortSignal): Promise<Proposal>;
  claimExecution(id: string, actionHash: string): Promise<Grant>;
  recordOutcome(id: string, outcome: 'succeeded' | 'failed', detail?: string): Promise<Proposal>;
}

/**
 * How the gate waits for decisions and rides out outages. Only an unreachable
 * server (no connection, or 502–504) is retried, each time within a deadline;
 * any other answer, a 500 included, ends the call with its typed error.
 *
 * @example
 * createClient({ url, token, gate: { pollSeconds: 60, waitRetryMs: 600_000, retry: { initialDelayMs: 500, maxDelayMs: 10_000 } } });
 */
export interface GateOptions {
  /** Seconds each long-poll request may hang on the server (default 30; the server caps it at 300). */
  pollSeconds?: number;
  /** Pauses between retries while the server is unreachable (default 250 ms doubling to 5 s). */
  retry?: RetryPolicy;
  /**
   * How long to keep waiting for a decision while the server stays unreachable (default 5 min),
   * counted from its last answer; then `ServerUnreachable` is thrown. Resume later with `gate.resume`.
   */
  waitRetryMs?: number;
  /** How long to keep trying to record an outcome after the action ran (default 60 s). */
  outcomeRetryMs?: number;
  /** How long to keep trying to propose while the server is unreachable (default 60 s, or `maxWaitMs` if shorter). */
  proposeRetryMs?: number;
}

/**
 * Per-call options of {@link Gate.run} and {@link Gate.resume}.
 *
 * @example
 * const options: RunOptions = { maxWaitMs: 60_000, onProposed: (p) => console.log('review', p.id) };
 */
export interface RunOptions {
  /** Stop waiting after this many milliseconds and throw `StillPending` (default: until decided or expired). */
  maxWaitMs?: number;
  /** Aborts the wait; nothing runs after an abort. */
  signal?: AbortSignal;
  /** Called once the proposal exists, e.g. to tell reviewers its id. */
  onProposed?: (proposal: Proposal) => void;
}

/**
 * What the callback receives: the approved action, and the grant that binds it.
 *
 * @example
 * const execute: Execute<void> = async (action, grant) => runShell(action.command!, { audit: grant.proposal_id });
 */
export type Execute<T> = (action: Action, grant: Grant) => Promise<T> | T;

/**
 * Proposes, waits for the decision, claims the one execution and records its
 * outcome, so an agent cannot run anything the approvers did not see.
 *
 * @example
 * const rows = await countersign.gate.run(
 *   {
 *     action: { type: 'sql', command: 'DELETE FROM sessions WHERE expired' },
 *     what: 'Purge expired sessions', why: 'Table is at 90% of its quota',
 *     blast_radius: { resources: ['app.sessions'] }, reversibility: { reversible: false }, urgency: 'normal',
 *   },
 *   async (action) => db.exec(action.command!),
 * );
 */
export interface Gate {
  /**
   * Proposes `input` (resending under one idempotency key while the server is
   * unreachable, so it is proposed once); low-risk actions approved by policy
   * run at once. Otherwise waits (long-poll, resuming across network errors and
   * server restarts), then
   * runs `execute` with exactly the approved action and records `succeeded`, or
   * `failed` with the error message (the error is rethrown).
   * Throws `ProposalRejected`, `ProposalExpired`, `StillPending` (after `maxWaitMs`),
   * `InvalidProposal`, `NotAuthorized`, `ServerError` (the server failed: never retried),
   * `ServerUnreachable` (once a retry deadline passes).
   *
   * @example
   * await countersign.gate.run(proposal, async (action) => runShell(action.command!), { maxWaitMs: 60_000 });
   */
  run<T>(input: ProposalInput, execute: Execute<T>, options?: RunOptions): Promise<T>;
  /**
   * Continues with a proposal that already exists, e.g. after `StillPending`.
   *
   * @example
   * try { await gate.run(p, fn, { maxWaitMs: 5_000 }); }
   * catch (e) { if (e instanceof StillPending) await gate.resume(e.proposal.id, fn); }
   */
  resume<T>(id: string, execute: Execute<T>, options?: RunOptions): Promise<T>;
  /**
   * Waits until the proposal is decided: resolves with it when approved, throws otherwise.
   *
   * @example
   * const approved = await countersign.gate.awaitApproval(id, { maxWaitMs: 600_000 });
   */
  awaitApproval(id: string, options?: RunOptions): Promise<Proposal>;
}

const DEFAULTS = { pollSeconds: 30, retry: { initialDelayMs: 250, maxDelayMs: 5_000 }, outcomeRetryMs: 60_000, proposeRetryMs: 60_000, waitRetryMs: 300_000 };

/**
 * Builds a {@link Gate} over the API methods; `createClient` does this for you as `client.gate`.
 *
 * @example
 * const gate = createGate(createClient({ url, token }), { pollSeconds: 10 });
 */
export function createGate(api: GateApi, options: GateOptions = {}): Gate {
  const { pollSeconds, retry, outcomeRetryMs, proposeRetryMs, waitRetryMs } = { ...DEFAULTS, ...options };

  async function awaitApproval(id: string, { maxWaitMs, signal }: RunOptions = {}, known?: Proposal): Promise<Proposal> {
    const deadline = maxWaitMs === undefined ? Infinity : Date.now() + maxWaitMs;
    let proposal = known;
    while (!proposal || proposal.status === 'pending') {
      signal?.throwIfAborted();
      const left = deadline - Date.now();
      if (proposal && left <= 0) throw new StillPending(proposal);
      const wait = proposal ? Math.min(pollSeconds, left / 1000) : 0;
      // Only the proposal id is kept between requests, so a restarted server picks up where it was.
      const until = Math.min(deadline, Date.now() + waitRetryMs);
      proposal = await retryUnreachable(() => api.waitForDecision(id, wait, signal), retry, until, signal);
    }
    if (proposal.status === 'rejected') throw new ProposalRejected(proposal);
    if (proposal.status === 'expired') throw new ProposalExpired(proposal);
    return proposal;
  }

  async function record(id: string, outcome: 'succeeded' | 'failed', detail?: string): Promise<void> {
    try {
      await retryUnreachable(() => api.recordOutcome(id, outcome, detail), retry, Date.now() + outcomeRetryMs);
    } catch (error) {
      // A retry after a lost response finds the outcome already recorded: that is success.
      if (!(error instanceof ApiError && error.code === 'outcome_recorded')) throw error;
    }
  }

  async function execute<T>(proposal: Proposal, run: Execute<T>): Promise<T> {
    const grant = await api.claimExecution(proposal.id, proposal.action_hash);
    const granted = actionHash(grant.action);
    if (granted !== proposal.action_hash) {
      await record(proposal.id, 'failed', `granted action hashes to ${granted}, not the approved ${proposal.action_hash}; nothing ran`);
      throw new ActionMismatch(proposal.id, proposal.action_hash, granted);
    }
    let result: T;
    try {
      result = await run(grant.action, grant);
    } catch (error) {
      await record(proposal.id, 'failed', error instanceof Error ? error.message : String(error));
      throw error;
    }
    await record(proposal.id, 'succeeded');
    return result;
  }

  return {
    async run(input, run, options = {}) {
      // One key for every attempt: a resend after a lost answer gets the same proposal, never a second one.
      const key = globalThis.crypto.randomUUID();
      const until = Date.now() + Math.min(proposeRetryMs, options.maxWaitMs ?? Infinity);
      const proposal = await retryUnreachable(() => api.propose(input, options.signal, key), retry, until, options.signal);
      options.onProposed?.(proposal);
      return execute(await awaitApproval(proposal.id, options, proposal), run);
    },
    async resume(id, run, options = {}) {
      return execute(await awaitApproval(id, options), run);
    },
    awaitApproval: (id, options) => awaitApproval(id, options),
  };
}
