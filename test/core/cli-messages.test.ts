import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeJsonError } from '../../src/cli/json-text.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { runCli } from '../support/run-cli.js';

/**
 * What a newcomer reads when something is wrong: the product's words, the
 * field or file and the fix; never a parser's wording, a byte offset or a
 * bare error code.
 */
let t: TestServer;
let agent: string;
let dir: string;

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { COUNTERSIGN_URL: t.url, COUNTERSIGN_TOKEN: agent, ...env });
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** One line on stderr, with none of the wording the product must not leak. */
function expectOneLine(stderr: string, pattern: RegExp) {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr.trim()).toMatch(pattern);
  expect(stderr).not.toMatch(/Too small|Too big|Invalid input|expected number to be|at position \d|\(: |ENOENT|EISDIR|\n\s+at /);
}

beforeAll(async () => {
  t = await startTestServer();
  agent = await t.addIdentity('agent-1', 'agent', ['proposer']);
  dir = join(t.dbFile, '..');
});
afterAll(() => t.close());

describe('CLI messages for bad input', () => {
  it('names each field of a refused proposal in the product’s words, once', async () => {
    const proposal = file('bad-fields.json', JSON.stringify({ action: 'DROP TABLE t', what: 'x', why: 'y', blast_radius: { resources: [] }, reversibility: { reversible: false }, urgency: 'low', cost_impact_usd: -5 }));
    const r = await run(['propose', proposal]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /^countersign: 400 action: must be an object; cost_impact_usd: must be at least 0$/);
  });

  it('says a proposal file must hold one JSON object', async () => {
    const r = await run(['propose', file('array.json', '[{"what": "x"}]')]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /^countersign: .*array\.json must hold one JSON object \{ … \}, such as examples\/drop-table\.json$/);
  });

  it('gives the line and column of a JSON syntax error, not a byte position', async () => {
    const r = await run(['propose', file('trailing-comma.json', '{\n  "what": "x",\n  "why": "y",\n}\n')]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /trailing-comma\.json is not valid JSON: line 4, column 1: expected double-quoted property name$/);
    const cut = await run(['policy', 'explain', file('cut.json', '{"action": {"type": "sql",')]);
    expect(cut.code).toBe(2);
    expectOneLine(cut.stderr, /cut\.json is not valid JSON: line 1, column 27: expected double-quoted property name$/);
  });

  it('refuses a proposal file beyond the input limits before sending it', async () => {
    const deep = `{"action": {"type": "custom", "params": ${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}}`;
    const r = await run(['propose', file('deep.json', deep)]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /deep\.json: action\.params(\.a)+: is nested deeper than 64 levels/);
  });

  it('names a missing file in plain words and says what to check', async () => {
    const r = await run(['propose', join(dir, 'no-such-proposal.json')]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /^countersign: cannot read .*no-such-proposal\.json: there is no such file or folder; check the path and that you may read it$/);
    const policy = await run(['policy', 'check', dir]);
    expect(policy.code).toBe(2);
    expectOneLine(policy.stderr, /^countersign: cannot read .*: it is a folder, not a file; check the path/);
  });

  it('names the line, column and key of a bad policy file in the product’s words', async () => {
    const syntax = await run(['policy', 'check', file('syntax.yaml', 'cost_threshold_usd: 10\nrules: [1,\nsweep_interval: 5s\n')]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/syntax\.yaml:\d+:\d+: /);
    const range = await run(['policy', 'check', file('range.yaml', 'rubber_stamp:\n  min_decisions: -1\n  max_approval_rate: 2\n')]);
    expect(range.code).toBe(2);
    expect(range.stderr).toContain('range.yaml:2: rubber_stamp.min_decisions must be at least 0');
    expect(range.stderr).toContain('range.yaml:3: rubber_stamp.max_approval_rate must be at most 1');
    expect(range.stderr).not.toMatch(/Too small|Too big|expected number/);
  });

  it('treats a --server that is not a URL as bad usage (exit 2), from the option or the environment', async () => {
    const option = await run(['list', '--server', 'not-a-url']);
    expect(option.code).toBe(2);
    expectOneLine(option.stderr, /^countersign: option '--server <url>' argument 'not-a-url' is invalid\. It must be an http:\/\/ or https:\/\/ URL, such as http:\/\/127\.0\.0\.1:7420\.$/);
    const env = await run(['show', 'x'], { COUNTERSIGN_URL: 'ftp://example.com' });
    expect(env.code).toBe(2);
    expectOneLine(env.stderr, /from env 'COUNTERSIGN_URL' is invalid/);
  });
});

describe('help for commands that talk to a server', () => {
  it.each(['propose', 'wait', 'mcp-gateway'])('`%s --help` names COUNTERSIGN_TOKEN, COUNTERSIGN_URL and the exit codes', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('COUNTERSIGN_TOKEN');
    expect(r.stdout).toContain('COUNTERSIGN_URL');
    expect(r.stdout).toMatch(/Exit codes:\n {2}0 {2}success\n {2}1 {2}refused.*\n {2}2 {2}bad usage or bad input/);
  });
});

describe('JSON syntax errors', () => {
  it.each([
    ['{ nope', 'line 1, column 3: expected property name or \'}\''],
    ['{"a": 1', 'line 1, column 8: expected \',\' or \'}\' after property value'],
    ['{\n"a":\n1}x', 'line 3, column 3: unexpected non-whitespace character after JSON'],
    ['', 'line 1, column 1: the text ends too early; something is not closed'],
  ])('places %j at a line and column', (text, expected) => {
    let message = '';
    try {
      JSON.parse(text);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(describeJsonError(message, text)).toBe(expected);
  });
});
