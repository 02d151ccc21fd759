import { blastRadius, type Finding, irreversible } from './finding.js';
import type { Word } from './shell-words.js';

/** Short flags combine in one word ("-rf"); long flags stand alone or carry "=value". */
export function hasFlag(words: string[], short: string, ...long: string[]): boolean {
  return words.some(
    (w) => (/^-[^-]/.test(w) && short !== '' && w.slice(1).includes(short)) || long.some((l) => w === l || w.startsWith(`${l}=`)),
  );
}

const SYSTEM_ROOT = /^(\/|\/\*|~|~\/|\$HOME\/?|\/(etc|usr|var|home|bin|sbin|lib|lib64|boot|opt|root|srv|dev|proc|sys)\/?)$/;
const SCRATCH = /^\/tmp\/[^*]+$/;
const SYSTEM_FILE = /^\/(etc|usr|bin|sbin|lib|lib64|boot)\//;

const operands = (argv: Word[]) => argv.slice(1).filter((w) => w.dynamic || !w.text.startsWith('-'));

/** Several paths, a glob, a root or a path only known at run time. */
function wide(paths: Word[]): string | undefined {
  if (paths.length > 1) return `${paths.length} paths`;
  const p = paths[0];
  if (!p) return undefined;
  if (p.dynamic) return `a path computed at run time (${p.text})`;
  if (SYSTEM_ROOT.test(p.text)) return `the root ${p.text}`;
  if (/[*?[{]/.test(p.text)) return `the glob ${p.text}`;
  return undefined;
}

function rm(argv: Word[], words: string[]): Finding[] {
  const paths = operands(argv);
  if (paths.length > 0 && paths.every((p) => !p.dynamic && SCRATCH.test(p.text))) return [];
  const recursive = hasFlag(words, 'r', '--recursive') || hasFlag(words, 'R');
  const out = [irreversible(recursive ? `rm -r deletes the tree ${paths.map((p) => p.text).join(' ')}` : `rm deletes ${paths.map((p) => p.text).join(' ')} with no undo`)];
  const scope = wide(paths);
  if (scope) out.push(blastRadius(`rm reaches ${scope}`));
  return out;
}

function recursiveOwnership(bin: string, argv: Word[], words: string[]): Finding[] {
  if (!hasFlag(words, 'R', '--recursive')) return [];
  const paths = operands(argv).slice(1); // the first operand is the mode or owner
  const scope = wide(paths);
  return scope ? [irreversible(`${bin} -R on ${scope} cannot be undone file by file`), blastRadius(`${bin} -R reaches ${scope}`)] : [];
}

/** File-system and machine-level commands that destroy data or take a host down. */
export function classifyFileCommand(bin: string, argv: Word[]): Finding[] | undefined {
  const words = argv.map((w) => w.text);
  switch (bin) {
    case 'rm':
      return rm(argv, words);
    case 'rmdir':
    case 'unlink':
      return [irreversible(`${bin} removes ${operands(argv).map((p) => p.text).join(' ')}`)];
    case 'dd':
      return words.some((w) => w.startsWith('of=')) ? [irreversible('dd overwrites its output (of=) in place')] : [];
    case 'shred':
    case 'wipefs':
    case 'blkdiscard':
      return [irreversible(`${bin} destroys data on ${operands(argv).map((p) => p.text).join(' ')}`)];
    case 'truncate':
      return [irreversible('truncate cuts file contents')];
    case 'fdisk':
    case 'sfdisk':
    case 'parted':
    case 'sgdisk':
      return [irreversible(`${bin} rewrites a partition table`)];
    case 'find': {
      if (words.includes('-delete')) return [irreversible('find … -delete deletes every match'), blastRadius('find … -delete reaches every matching file')];
      return [];
    }
    case 'chmod':
    case 'chown':
    case 'chgrp':
      return recursiveOwnership(bin, argv, words);
    case 'tee': {
      const files = operands(argv).filter((p) => p.dynamic || p.text.startsWith('/'));
      return !hasFlag(words, 'a', '--append') && files.some((f) => !SCRATCH.test(f.text)) ? [irreversible(`tee overwrites ${files.map((f) => f.text).join(' ')}`)] : [];
    }
    case 'cp':
    case 'mv':
    case 'install': {
      const dest = operands(argv).at(-1);
      return operands(argv).length > 1 && dest && (dest.dynamic || SYSTEM_FILE.test(dest.text)) ? [irreversible(`${bin} overwrites ${dest.text}`)] : [];
    }
    case 'rsync':
      return words.some((w) => w.startsWith('--delete') || w === '--remove-source-files')
        ? [irreversible('rsync --delete removes files missing from the source'), blastRadius('rsync --delete reaches the whole destination tree')]
        : [];
    case 'dropdb':
      return [irreversible(`dropdb ${operands(argv).at(-1)?.text ?? ''} destroys a database`), blastRadius('dropdb removes every table in the database')];
    case 'dropuser':
      return [irreversible('dropuser removes a database role')];
    case 'mysqladmin':
      return words.includes('drop') ? [irreversible('mysqladmin drop destroys a database'), blastRadius('mysqladmin drop removes every table in it')] : [];
    case 'crontab':
      return hasFlag(words, 'r') ? [irreversible('crontab -r deletes every cron job of the user')] : [];
    case 'userdel':
    case 'groupdel':
      return [irreversible(`${bin} removes an account`)];
    case 'shutdown':
    case 'reboot':
    case 'halt':
    case 'poweroff':
      return [blastRadius(`${bin} takes the whole host down`)];
    case 'kill':
    case 'pkill':
    case 'killall':
      return words.includes('1') || words.includes('-1') || bin === 'killall' ? [blastRadius(`${bin} can stop every matching process`)] : [];
    case 'iptables':
    case 'ip6tables':
      return hasFlag(words, 'F', '--flush') ? [blastRadius(`${bin} -F drops every firewall rule`)] : [];
    default:
      return /^mkfs(\.|$)/.test(bin) || bin === 'mke2fs' ? [irreversible(`${bin} formats a file system`)] : undefined;
  }
}
