import type { ClassifyOptions } from './classify-options.js';
import { type Finding, irreversible, located, unanalysable } from './finding.js';
import { classifyArgv } from './shell-dispatch.js';
import { type ShellNode, withShellTree } from './shell-parser.js';
import { type Word, wordOf } from './shell-words.js';

const MAX_DEPTH = 4;
const HARMLESS_TARGET = /^\/(tmp\/|dev\/(null|stdout|stderr|tty|fd\/\d+)$)/;

const snippet = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text).replace(/\s+/g, ' ');

/** `> file` and `>|` replace a file's contents; `>>`, `<` and fd duplications do not. */
function redirect(node: ShellNode): Finding[] {
  const op = node.children.find((c) => c && !c.isNamed)?.text ?? '';
  const dest = node.childForFieldName('destination');
  if (!dest || !['>', '>|', '&>'].includes(op) || dest.type === 'number') return [];
  const target = wordOf(dest);
  if (target.dynamic) return [irreversible(`\`${snippet(node.text)}\` overwrites a file whose path is computed at run time`)];
  if ((target.text.startsWith('/') || target.text.startsWith('~')) && !HARMLESS_TARGET.test(target.text)) {
    return [irreversible(`\`${snippet(node.text)}\` overwrites ${target.text}`)];
  }
  return [];
}

function command(node: ShellNode, options: ClassifyOptions, depth: number): Finding[] {
  const name = node.childForFieldName('name');
  if (!name) return [];
  const args = node.childrenForFieldName('argument').filter((a): a is ShellNode => !!a);
  const findings = classifyArgv([wordOf(name), ...args.map(wordOf)], options, (text, where) => nested(text, where, options, depth));
  return located(`\`${snippet(node.text)}\``, findings);
}

/** A script found inside a command (`bash -c '…'`, `eval '…'`, `su -c`) is parsed and read again. */
function nested(script: Word, where: string, options: ClassifyOptions, depth: number): Finding[] {
  if (script.dynamic) return unanalysable(`${where} runs text only known at run time`);
  if (depth >= MAX_DEPTH) return unanalysable(`${where} nests shells more than ${MAX_DEPTH} deep`);
  return located(`inside ${where}`, classifyScript(script.text, options, depth + 1));
}

/**
 * Visits every node: commands inside pipelines, lists, subshells, loops, functions and $(…) all
 * count. A cursor walk, because materialising every node from the wasm tree costs more than the parse.
 */
function visit(root: ShellNode, options: ClassifyOptions, depth: number, out: Finding[]): void {
  const cursor = root.walk();
  try {
    for (;;) {
      const type = cursor.nodeType;
      if (type === 'command') out.push(...command(cursor.currentNode, options, depth));
      else if (type === 'file_redirect') out.push(...redirect(cursor.currentNode));
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return;
    }
  } finally {
    cursor.delete();
  }
}

function classifyScript(script: string, options: ClassifyOptions, depth: number): Finding[] {
  return withShellTree(script, (root) => {
    if (!root) return unanalysable('the shell command does not parse as bash');
    const out: Finding[] = [];
    visit(root, options, depth, out);
    return out;
  });
}

/** Classifies a shell command line with tree-sitter-bash: every command in it counts. */
export function classifyShell(script: string, options: ClassifyOptions): Finding[] {
  return classifyScript(script, options, 0);
}
