import { blastRadius, type Finding, irreversible } from './finding.js';

/** Splits a command line into simple commands at ;, &&, ||, | and newlines (first cut: no quoting rules). */
export function simpleCommands(line: string): string[][] {
  return line
    .split(/;|&&|\|\||\||\n/)
    .map((part) => part.trim().split(/\s+/).filter(Boolean))
    .map((words) => stripPrefixes(words))
    .filter((words) => words.length > 0);
}

const PREFIXES = new Set(['sudo', 'env', 'nohup', 'time', 'nice', 'xargs', 'exec', 'command']);

function stripPrefixes(words: string[]): string[] {
  let i = 0;
  while (i < words.length && (PREFIXES.has(words[i]!) || /^\w+=/.test(words[i]!))) i++;
  return words.slice(i);
}

/** Short flags are combined in one word ("-rf"); long flags stand alone. */
export function hasFlag(words: string[], short: string, long?: string): boolean {
  return words.some((w) => (w.startsWith('-') && !w.startsWith('--') && w.slice(1).includes(short)) || (long !== undefined && w === long));
}

/** First-cut shell classifier for destructive file-system commands. */
export function classifyShellWords(words: string[]): Finding[] {
  const [bin] = words;
  switch (bin) {
    case 'rm': {
      if (hasFlag(words, 'r', '--recursive') || hasFlag(words, 'R')) {
        const findings = [irreversible('rm -r deletes a directory tree')];
        const paths = words.slice(1).filter((w) => !w.startsWith('-'));
        if (paths.length > 1 || paths.some((p) => p === '/' || p.includes('*'))) findings.push(blastRadius('rm -r removes several paths or a glob'));
        return findings;
      }
      return [];
    }
    case 'dd':
      return words.some((w) => w.startsWith('of=')) ? [irreversible('dd overwrites its output in place')] : [];
    case 'shred':
      return [irreversible('shred destroys file contents')];
    case 'truncate':
      return [irreversible('truncate cuts file contents')];
    default:
      return bin && /^mkfs(\.|$)/.test(bin) ? [irreversible('mkfs formats a file system')] : [];
  }
}
