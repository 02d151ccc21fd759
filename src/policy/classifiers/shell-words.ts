import type { ShellNode } from './shell-parser.js';

/** A word as the shell would pass it, or `dynamic` when it depends on run-time values. */
export interface Word {
  text: string;
  dynamic: boolean;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };

/** Decodes $'…' so `$'\x72m'` is seen as `rm`. */
function ansiC(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (/^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ESCAPES[e] ?? `\\${e}`;
  });
}

/** Resolves quoting and escapes of one word node; expansions make it dynamic. */
export function wordOf(node: ShellNode): Word {
  switch (node.type) {
    case 'word':
    case 'number':
    case 'command_name':
      if (node.type === 'command_name' && node.namedChildren[0]) return wordOf(node.namedChildren[0]);
      return { text: node.text.replace(/\\(.)/g, '$1').replace(/\\\n/g, ''), dynamic: false };
    case 'raw_string':
      return { text: node.text.slice(1, -1), dynamic: false };
    case 'ansi_c_string':
      return { text: ansiC(node.text.slice(2, -1)), dynamic: false };
    case 'string': {
      const parts = node.namedChildren.filter((c): c is ShellNode => !!c);
      if (parts.every((c) => c.type === 'string_content')) {
        return { text: node.text.slice(1, -1).replace(/\\([$`"\\\n])/g, '$1'), dynamic: false };
      }
      return { text: node.text.slice(1, -1), dynamic: true };
    }
    case 'concatenation': {
      const parts = node.namedChildren.filter((c): c is ShellNode => !!c).map(wordOf);
      return { text: parts.map((p) => p.text).join(''), dynamic: parts.some((p) => p.dynamic) };
    }
    default:
      // $VAR, ${…}, $(…), `…`, <(…), arithmetic, brace expansion: known only when it runs
      return { text: node.text, dynamic: true };
  }
}
