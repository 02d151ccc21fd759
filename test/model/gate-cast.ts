// Who acts in the model test, and what they propose: the cast, the proposal kinds and the policy they meet.

export interface Person {
  name: string;
  kind: 'human' | 'agent';
  owner?: string;
  roles: string[];
}

/** The cast, owners before what they own. Aliases: alice-bot is alice, bob-oncall and bob-bot are bob, agent-7 is dave. */
export const PEOPLE: readonly Person[] = [
  { name: 'alice', kind: 'human', roles: ['approver'] },
  { name: 'alice-bot', kind: 'agent', owner: 'alice', roles: ['approver'] },
  { name: 'bob', kind: 'human', roles: ['approver', 'proposer'] },
  { name: 'bob-oncall', kind: 'human', owner: 'bob', roles: ['approver'] },
  { name: 'bob-bot', kind: 'agent', owner: 'bob', roles: ['proposer'] },
  { name: 'carol', kind: 'human', roles: ['approver'] },
  { name: 'dave', kind: 'human', roles: ['approver'] },
  { name: 'agent-7', kind: 'agent', owner: 'dave', roles: ['proposer'] },
  { name: 'pat', kind: 'human', roles: ['proposer'] },
  { name: 'runner', kind: 'agent', roles: ['executor'] },
  { name: 'audrey', kind: 'human', roles: ['auditor'] },
];

/** Calls with a token the server never issued. */
export const STRANGER = 'mallory';

export const person = (name: string) => PEOPLE.find((p) => p.name === name);
export const can = (name: string, role: string) => person(name)?.roles.includes(role) ?? false;

/** The person an identity answers to: the root of its owner chain. */
export function principalOf(name: string): string {
  const p = person(name);
  return p?.owner ? principalOf(p.owner) : name;
}

/** The proposal kinds the policy sees: a harmless read (0 approvals), a DROP TABLE (2), a refund under a 3-person rule. */
export type Template = 'read' | 'drop' | 'refund';
export type Urgency = 'triage' | 'normal' | 'low';

export const REQUIRED: Record<Template, number> = { read: 0, drop: 2, refund: 3 };
export const TIMEOUT_MS: Record<Urgency, number> = { triage: 30 * 60_000, normal: 4 * 3_600_000, low: 24 * 3_600_000 };

/** The policy the model assumes: the defaults, a sweeper that never runs by itself, and the 3-person refund rule. */
export const MODEL_POLICY = `
sweep_interval: 24h
rules:
  - name: refunds-need-three
    match: { system: "payments-*" }
    approvals: 3
    reason: refunds move customer money
`;

export function actionOf(template: Template) {
  switch (template) {
    case 'read':
      return { type: 'sql', command: 'SELECT count(*) FROM users' };
    case 'drop':
      return { type: 'sql', command: 'DROP TABLE users', target: { system: 'postgres://prod-db/app', environment: 'production' }, params: {} };
    case 'refund':
      return { type: 'custom', command: 'refund batch 7', target: { system: 'payments-api', environment: 'production' } };
  }
}

/** The proposal body sent for a template; `valid: false` leaves `why` empty (a 400). */
export function proposalBody(template: Template, urgency: Urgency, valid = true) {
  const body = {
    action: actionOf(template),
    what: `${template} (model test)`,
    why: valid ? 'Checked against the reference model' : '',
    blast_radius: template === 'drop' ? { resources: ['prod-db/app.users'], critical_path: true } : { resources: [`${template}-target`] },
    reversibility: { reversible: template !== 'drop' },
    urgency,
  };
  return body;
}
