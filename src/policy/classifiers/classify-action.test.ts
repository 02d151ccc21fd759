import { describe, expect, it } from 'vitest';
import { ACTION_TYPES } from '../../domain/proposal-schema.js';
import { classifyAction } from './classify-action.js';

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const PIECES = ['rm', ' -rf ', '/', "'", '"', '$(', ')', '`', '|', '&&', ';', '\\', '\n', 'DROP', ' TABLE ', 'x', '--', '/*', '*/', '{', '}', '<<', 'EOF', 'bash -c ', '+main', 'é', '\u200b', '(', '=', 'sudo ', 'eval '];

describe('classifyAction', () => {
  it('never throws on arbitrary input, whatever the action type', () => {
    const next = random(42);
    for (let i = 0; i < 600; i++) {
      const command = Array.from({ length: 1 + Math.floor(next() * 12) }, () => PIECES[Math.floor(next() * PIECES.length)]).join('');
      const type = ACTION_TYPES[i % ACTION_TYPES.length]!;
      expect(() => classifyAction({ type, command })).not.toThrow();
    }
  });

  it('reads a family command written without its binary', () => {
    expect(classifyAction({ type: 'git', command: 'push -f origin main' }).map((f) => f.class)).toContain('irreversible');
    expect(classifyAction({ type: 'kubernetes', command: 'delete pods --all' }).map((f) => f.class)).toContain('blast_radius');
  });

  it('treats the action type as a claim: a "git" action that runs rm is still read as shell', () => {
    expect(classifyAction({ type: 'git', command: 'git status && rm -rf /srv' }).map((f) => f.class)).toContain('irreversible');
  });

  it('fails closed on a command family action with nothing to read', () => {
    const reasons = classifyAction({ type: 'shell', params: { argv: ['rm', '-rf', '/'] } }).map((f) => f.reason);
    expect(reasons[0]).toMatch(/^could not be analysed/);
  });
});
