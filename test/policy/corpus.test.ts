import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RiskClass } from '../../src/domain/proposal.js';
import type { Action } from '../../src/domain/proposal-schema.js';
import { classifyAction } from '../../src/policy/classifiers/classify-action.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'corpus');
const CODES: Record<string, RiskClass> = { I: 'irreversible', B: 'blast_radius', C: 'cost' };
const CLASSES: RiskClass[] = ['irreversible', 'blast_radius', 'cost'];

interface Case {
  source: string;
  action: Action;
  expected: Set<RiskClass>;
  evasion: boolean;
  gap: boolean;
}

const labelled = (label: string) => new Set([...label].filter((c) => c !== '-').map((c) => CODES[c]!));

function load(): Case[] {
  const cases: Case[] = [];
  for (const file of readdirSync(DIR).sort()) {
    const lines = readFileSync(join(DIR, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!line.trim() || line.startsWith('#')) return;
      const source = `${file}:${i + 1}`;
      if (file.endsWith('.jsonl')) {
        const { label, action } = JSON.parse(line) as { label: string; action: Action };
        cases.push({ source, action, expected: labelled(label), evasion: false, gap: false });
      } else if (file.endsWith('.tsv')) {
        const cols = line.split('\t');
        const evasion = file.startsWith('evasions-');
        const gap = file === 'known-gaps.tsv';
        const [type, label, command] = evasion || gap ? cols : [file.replace('.tsv', ''), ...cols];
        cases.push({ source, action: { type: type as Action['type'], command: command!.replaceAll('⏎', '\n') }, expected: labelled(label!), evasion, gap });
      }
    });
  }
  return cases;
}

describe('labelled corpus', () => {
  const all = load();
  const cases = all.filter((c) => !c.gap);
  const results = cases.map((c) => ({ ...c, got: new Set(classifyAction(c.action).map((f) => f.class)) }));

  it('holds at least 400 actions, 80 of them evasion attempts, across every family', () => {
    expect(cases.length).toBeGreaterThanOrEqual(400);
    expect(cases.filter((c) => c.evasion).length).toBeGreaterThanOrEqual(80);
    expect(new Set(cases.map((c) => c.action.type))).toEqual(new Set(['sql', 'shell', 'git', 'kubernetes', 'terraform', 'cloud', 'http', 'mcp_tool', 'custom']));
  });

  it('finds every irreversible action (recall 100 %) and reports precision and recall per class', () => {
    const rows = CLASSES.map((cls) => {
      const tp = results.filter((r) => r.expected.has(cls) && r.got.has(cls)).length;
      const fp = results.filter((r) => !r.expected.has(cls) && r.got.has(cls)).length;
      const fn = results.filter((r) => r.expected.has(cls) && !r.got.has(cls)).length;
      return { class: cls, labelled: tp + fn, precision: tp / (tp + fp || 1), recall: tp / (tp + fn || 1) };
    });
    const exact = results.filter((r) => [...CLASSES].every((c) => r.expected.has(c) === r.got.has(c))).length;
    console.log(`corpus: ${results.length} actions (${results.filter((r) => r.evasion).length} evasions), ${exact} classified exactly`);
    for (const r of rows) console.log(`  ${r.class.padEnd(13)} labelled ${String(r.labelled).padStart(3)}  precision ${(r.precision * 100).toFixed(1)} %  recall ${(r.recall * 100).toFixed(1)} %`);
    for (const r of results.filter((x) => CLASSES.some((c) => x.expected.has(c) !== x.got.has(c)))) {
      console.log(`  differs ${r.source}: expected [${[...r.expected]}] got [${[...r.got]}] ${JSON.stringify(r.action.command ?? r.action.params)}`);
    }
    for (const g of all.filter((c) => c.gap)) {
      const got = [...new Set(classifyAction(g.action).map((f) => f.class))];
      console.log(`  known gap ${g.source}: truly [${[...g.expected]}], classifiers see [${got}] ${g.action.command}`);
    }
    const missed = results.filter((r) => r.expected.has('irreversible') && !r.got.has('irreversible')).map((r) => `${r.source} ${r.action.command ?? ''}`);
    expect(missed).toEqual([]);
  });
});
