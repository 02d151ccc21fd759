import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';
import { runCli } from '../support/run-cli.js';

let t: TestServer;
let agent: string;

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { COUNTERSIGN_URL: t.url, ...env });

/** One line on stderr, naming what to fix; never a stack trace. */
const expectOneLineError = (stderr: string, pattern: RegExp) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
};

beforeAll(async () => {
  t = await startTestServer();
  agent = await t.addIdentity('agent-1', 'agent', ['proposer']);
});
afterAll(() => t.close());

describe('CLI errors', () => {
  it('exits 2 with one line for an unknown command or a missing option', async () => {
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expectOneLineError(unknown.stderr, /^countersign: unknown command 'frobnicate'/);
    const noReason = await run(['approve', 'x'], { COUNTERSIGN_TOKEN: agent });
    expect(noReason.code).toBe(2);
    expectOneLineError(noReason.stderr, /--reason/);
  });

  it('exits 2 naming the field for an invalid identity', async () => {
    const r = await run(['identity', 'add', 'Robo', '--kind', 'robot', '--db', t.dbFile]);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /name: .*kind: must be one of: human, agent/);
  });

  it('exits 2 naming the fields of an invalid proposal file, and 2 for a file that is not JSON', async () => {
    const file = join(t.dbFile, '..', 'bad.json');
    writeFileSync(file, JSON.stringify({ action: { type: 'sql', command: 'DROP TABLE t' }, what: 'x', why: 'y' }));
    const invalid = await run(['propose', file], { COUNTERSIGN_TOKEN: agent });
    expect(invalid.code).toBe(2);
    expectOneLineError(invalid.stderr, /blast_radius: is required.*urgency: is required/);
    writeFileSync(file, '{ nope');
    const notJson = await run(['propose', file], { COUNTERSIGN_TOKEN: agent });
    expect(notJson.code).toBe(2);
    expectOneLineError(notJson.stderr, /bad\.json is not valid JSON/);
  });

  it('exits 1 for a refusal and for a bad token', async () => {
    const badToken = await run(['list'], { COUNTERSIGN_TOKEN: 'cs_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(badToken.code).toBe(1);
    expectOneLineError(badToken.stderr, /401/);
    const missing = await run(['show', 'no-such-id'], { COUNTERSIGN_TOKEN: agent });
    expect(missing.code).toBe(1);
    expectOneLineError(missing.stderr, /404 Proposal "no-such-id" does not exist/);
  });

  it('exits 2 when no token is set, saying which variable to set', async () => {
    const r = await run(['list'], { COUNTERSIGN_TOKEN: '' });
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /COUNTERSIGN_TOKEN/);
  });

  it('exits 1 when the server cannot be reached, saying how to point at one', async () => {
    const r = await run(['list', '--server', 'http://127.0.0.1:9'], { COUNTERSIGN_TOKEN: agent });
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  it('exits 1 naming the URL to check when the server answers something other than JSON', async () => {
    const html = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not countersign</html>'));
    await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(html.address() as { port: number }).port}`;
      const r = await run(['list', '--server', url], { COUNTERSIGN_TOKEN: agent });
      expect(r.code).toBe(1);
      expectOneLineError(r.stderr, /answered 200 without JSON; is --server \(or COUNTERSIGN_URL\) a Countersign server\?/);
    } finally {
      html.close();
    }
  });

  it('exits 2 with the line and key of a bad policy file', async () => {
    const file = join(t.dbFile, '..', 'policy.yaml');
    writeFileSync(file, 'cost_threshold_usd: lots\n');
    const r = await run(['serve', '--db', join(t.dbFile, '..', 'other.db'), '--port', '0', '--policy', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/policy\.yaml:1: cost_threshold_usd must be a number/);
  });
});
