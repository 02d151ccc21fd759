import type { ClassifyOptions } from './classify-options.js';
import { blastRadius, type Finding, irreversible, unanalysable } from './finding.js';
import { classifyCloudWords } from './cloud.js';
import { classifyContainerWords } from './containers.js';
import { classifyGitWords } from './git.js';
import { classifyKubernetesWords } from './kubernetes.js';
import { classifyFileCommand, hasFlag } from './shell-commands.js';
import { unwrap } from './shell-prefixes.js';
import type { Word } from './shell-words.js';
import { classifySql } from './sql.js';
import { classifyTerraformWords } from './terraform.js';

type Recurse = (script: Word, where: string) => Finding[];

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh', 'rbash']);
const INTERPRETERS = new Set(['python', 'python2', 'python3', 'perl', 'ruby', 'node', 'nodejs', 'deno', 'bun', 'php', 'lua', 'Rscript', 'osascript', 'pwsh', 'powershell', 'mongo', 'mongosh']);
const HARMLESS = new Set([
  'ls', 'cat', 'echo', 'printf', 'grep', 'egrep', 'fgrep', 'rg', 'head', 'tail', 'less', 'more', 'wc', 'sort', 'uniq', 'cut', 'tr', 'diff',
  'cmp', 'file', 'stat', 'du', 'df', 'pwd', 'cd', 'pushd', 'popd', 'true', 'false', 'test', '[', '[[', 'sleep', 'date', 'whoami', 'id',
  'hostname', 'uname', 'which', 'type', 'ps', 'top', 'free', 'uptime', 'export', 'set', 'unset', 'read', 'mkdir', 'touch', 'cp', 'mv',
  'ln', 'tar', 'gzip', 'gunzip', 'zip', 'unzip', 'jq', 'yq', 'wget', 'tee', 'base64', 'md5sum', 'sha256sum', 'xxd', 'basename',
  'dirname', 'realpath', 'readlink', 'seq', 'yes', 'wait', 'local', 'return', 'exit', 'shift', 'declare', 'printenv',
  'journalctl', 'ping', 'dig', 'nslookup',
]);
const SSH_VALUED = new Set(['-i', '-p', '-l', '-o', '-F', '-J', '-L', '-R', '-D', '-W', '-b', '-c', '-E', '-e', '-m', '-O', '-Q', '-S', '-w']);

const join = (words: Word[]): Word => ({ text: words.map((w) => w.text).join(' '), dynamic: words.some((w) => w.dynamic) });
const texts = (words: Word[]) => words.map((w) => w.text);

/** `bash -c 'script'` (also `-ec`, `-lc`): the script is read again; a shell fed from a pipe or file cannot be seen. */
function shell(bin: string, argv: Word[], recurse: Recurse): Finding[] {
  const c = argv.findIndex((w, i) => i > 0 && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(w.text));
  if (c > 0) {
    const script = argv[c + 1];
    return script ? recurse(script, `${bin} -c`) : unanalysable(`${bin} -c has no script`);
  }
  const file = argv.slice(1).find((w) => w.dynamic || !w.text.startsWith('-'));
  return unanalysable(file ? `${bin} runs the script ${file.text}, which the classifier cannot see` : `${bin} reads commands from its input (a pipe, a download or a here-document)`);
}

function ssh(argv: Word[], recurse: Recurse): Finding[] {
  let i = 1;
  while (i < argv.length && argv[i]!.text.startsWith('-')) i += SSH_VALUED.has(argv[i]!.text) ? 2 : 1;
  const remote = argv.slice(i + 1);
  return remote.length ? recurse(join(remote), `ssh ${argv[i]?.text ?? ''}`) : [];
}

/** `psql -c SQL` and `mysql -e SQL` are read by the SQL classifier. */
function sqlClient(bin: string, argv: Word[]): Finding[] {
  const words = texts(argv);
  const at = words.findIndex((w) => w === '-c' || w === '--command' || w === '-e' || w === '--execute');
  const inline = words.find((w) => w.startsWith('--command=') || w.startsWith('--execute='));
  const sql = at > 0 ? argv[at + 1] : inline ? { text: inline.slice(inline.indexOf('=') + 1), dynamic: false } : undefined;
  if (!sql) return words.includes('-l') || words.includes('--list') ? [] : unanalysable(`${bin} reads SQL from a file or its input`);
  return sql.dynamic ? unanalysable(`${bin} runs SQL only known at run time`) : classifySql(sql.text);
}

function find(argv: Word[], options: ClassifyOptions, recurse: Recurse): Finding[] {
  const words = texts(argv);
  if (words.includes('-delete')) return [irreversible('find … -delete deletes every match'), blastRadius('find … -delete reaches every matching file')];
  const exec = words.findIndex((w) => w === '-exec' || w === '-execdir' || w === '-ok' || w === '-okdir');
  if (exec < 0) return [];
  const end = words.findIndex((w, i) => i > exec && (w === ';' || w === '+'));
  const inner = argv.slice(exec + 1, end < 0 ? undefined : end);
  const found = classifyArgv(inner, options, recurse);
  return found.length ? [...found, blastRadius('find -exec runs it on every match')] : [];
}

/**
 * One simple command as words: wrappers (`sudo`, `env X=1`, `xargs`) peeled off, a command line
 * carried as a string parsed again, then classified by its binary. Also used for commands carried by
 * another (`find -exec`, `docker exec`, `kubectl exec --`).
 */
export function classifyArgv(argv: Word[], options: ClassifyOptions, recurse: Recurse): Finding[] {
  const { words, script } = unwrap(argv);
  if (script) return recurse(script.text, script.where);
  const head = words[0];
  if (!head) return [];
  if (head.dynamic) return unanalysable(`the command name ${head.text} is only known at run time`);
  // Look-alike letters (Cyrillic "м", zero-width joiners) or a whole quoted line make a name no classifier would recognise.
  if (/[^\x21-\x7e]/.test(head.text)) return unanalysable(`${JSON.stringify(head.text)} is not a plain command name (spaces or characters outside ASCII)`);
  return classifyBinary(head.text.split('/').pop()!, words, options, recurse);
}

/** Names the risk of one simple command (wrappers already peeled off) by its binary. */
function classifyBinary(bin: string, argv: Word[], options: ClassifyOptions, recurse: Recurse): Finding[] {
  const words = texts(argv);
  if (SHELLS.has(bin)) return shell(bin, argv, recurse);
  if (INTERPRETERS.has(bin)) {
    return hasFlag(words, 'c') || hasFlag(words, 'e') || words.some((w) => w === '--eval' || w === '-Command')
      ? unanalysable(`${bin} runs inline code the classifier cannot read`)
      : options.unknown === 'require_approval' ? unanalysable(`${bin} runs a program the classifier cannot read`) : [];
  }
  switch (bin) {
    case 'eval':
      return recurse(join(argv.slice(1)), 'eval');
    case 'source':
    case '.':
      return unanalysable(`${bin} runs the script ${words[1] ?? ''}, which the classifier cannot see`);
    case 'trap':
      // the handler runs later, on the signal: read it now
      return argv[1] && argv[1].text !== '-' && !argv[1].text.startsWith('-') ? recurse(argv[1], 'trap') : [];
    case 'script':
    case 'su':
    case 'runuser': {
      const c = words.findIndex((w) => w === '-c' || w === '--command');
      return c > 0 && argv[c + 1] ? recurse(argv[c + 1]!, `${bin} -c`) : [];
    }
    case 'watch':
      return recurse(join(argv.slice(1).filter((w, i, a) => !w.text.startsWith('-') && !['-n', '--interval'].includes(a[i - 1]?.text ?? ''))), 'watch');
    case 'command':
      return []; // `command -v NAME` looks a name up; `command NAME …` was peeled off as a wrapper
    case 'sed':
      // in place, with no backup suffix, on a file outside the scratch area
      return words.some((w) => w === '-i' || w === '--in-place' || /^-[a-zA-Z]*i$/.test(w)) && argv.slice(2).some((w) => w.dynamic || (w.text.startsWith('/') && !w.text.startsWith('/tmp/')))
        ? [irreversible('sed -i rewrites a file in place with no backup')]
        : [];
    case 'ssh':
      return ssh(argv, recurse);
    case 'alias':
      return argv.slice(1).flatMap((w) => (w.text.includes('=') ? recurse({ ...w, text: w.text.slice(w.text.indexOf('=') + 1) }, 'alias') : []));
    case 'psql':
    case 'mysql':
    case 'mariadb':
      return sqlClient(bin, argv);
    case 'find':
      return find(argv, options, recurse);
    case 'curl':
      return words.some((w, i) => /^(-X|--request)$/.test(words[i - 1] ?? '') && w.toUpperCase() === 'DELETE') || words.includes('-XDELETE')
        ? [irreversible('curl sends an HTTP DELETE')]
        : [];
    case 'awk':
    case 'gawk':
    case 'mawk':
      // awk can run commands: system("…"), print | "sh", "cmd" | getline
      return words.some((w) => /system\s*\(|\|\s*"|"\s*\|/.test(w)) ? unanalysable(`${bin} runs shell commands from its program`) : [];
    case 'redis-cli':
      return words.some((w) => /^flush(all|db)$/i.test(w)) ? [irreversible('redis FLUSHALL/FLUSHDB deletes every key'), blastRadius('redis FLUSH empties the whole database')] : [];
    case 'git':
      return classifyGitWords(words);
    case 'docker':
    case 'podman':
    case 'nerdctl':
      return classifyContainerWords(argv, (inner) => classifyArgv(inner, options, recurse));
    case 'kubectl':
    case 'helm':
    case 'oc':
      // `kubectl exec pod -- cmd…`: what runs in the pod is classified too
      if (words.includes('--') && words.slice(1).find((w) => !w.startsWith('-')) === 'exec') return classifyArgv(argv.slice(words.indexOf('--') + 1), options, recurse);
      return classifyKubernetesWords(bin === 'oc' ? ['kubectl', ...words.slice(1)] : words, options.critical);
    case 'terraform':
    case 'tofu':
    case 'pulumi':
    case 'terragrunt':
      return classifyTerraformWords(words);
    case 'aws':
    case 'gcloud':
    case 'az':
    case 'gsutil':
      return classifyCloudWords(words, options.costThreshold);
  }
  const fs = classifyFileCommand(bin, argv);
  if (fs) return fs;
  if (HARMLESS.has(bin)) return [];
  return options.unknown === 'require_approval' ? unanalysable(`${bin} is not a command the classifier knows`) : [];
}
