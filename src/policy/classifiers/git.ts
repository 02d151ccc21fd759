import { blastRadius, type Finding, irreversible } from './finding.js';
import { hasFlag } from './shell-commands.js';

/** Global options placed before the subcommand that take a value (`git -C dir push`). */
const VALUED = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env']);

function subcommand(words: string[]): { sub: string | undefined; args: string[] } {
  let i = 1;
  while (i < words.length && words[i]!.startsWith('-')) i += VALUED.has(words[i]!) ? 2 : 1;
  return { sub: words[i], args: words.slice(i + 1) };
}

function push(args: string[]): Finding[] {
  const refspecs = args.filter((a) => !a.startsWith('-')).slice(1); // the first operand is the remote
  const out: Finding[] = [];
  if (hasFlag(args, 'f', '--force', '--force-with-lease', '--force-if-includes')) out.push(irreversible('git push --force rewrites history on the remote'));
  const forced = refspecs.filter((r) => r.startsWith('+'));
  if (forced.length) out.push(irreversible(`git push ${forced.join(' ')}: a leading "+" forces the update and rewrites history`));
  const deleted = refspecs.filter((r) => r.startsWith(':') && r.length > 1);
  if (hasFlag(args, 'd', '--delete') || deleted.length) out.push(irreversible('git push --delete removes a branch or tag on the remote'));
  if (args.includes('--mirror') || args.includes('--prune')) out.push(irreversible('git push --mirror/--prune deletes remote refs missing locally'), blastRadius('git push --mirror/--prune rewrites every ref on the remote'));
  if (args.includes('--all') && out.length) out.push(blastRadius('git push --all applies it to every branch'));
  return out;
}

/** git: history rewrites, deletions on remotes and discarded work. */
export function classifyGitWords(words: string[]): Finding[] {
  const { sub, args } = subcommand(words);
  switch (sub) {
    case 'push':
      return push(args);
    case 'reset':
      return args.includes('--hard') || args.includes('--merge') ? [irreversible(`git reset ${args.includes('--hard') ? '--hard' : '--merge'} discards commits and uncommitted changes`)] : [];
    case 'branch':
      return hasFlag(args, 'D') || (hasFlag(args, 'd', '--delete') && hasFlag(args, 'f', '--force')) ? [irreversible('git branch -D deletes a branch even if unmerged')] : [];
    case 'tag':
      return hasFlag(args, 'd', '--delete') ? [irreversible('git tag -d deletes a tag')] : [];
    case 'clean':
      return hasFlag(args, 'f', '--force') ? [irreversible('git clean -f deletes untracked files')] : [];
    case 'checkout':
    case 'restore':
      return args.includes('--') || args.includes('.') || hasFlag(args, 'f', '--force') ? [irreversible(`git ${sub} discards uncommitted changes`)] : [];
    case 'stash':
      return args[0] === 'clear' || args[0] === 'drop' ? [irreversible(`git stash ${args[0]} deletes stashed work`)] : [];
    case 'reflog':
      return args[0] === 'expire' || args[0] === 'delete' ? [irreversible('git reflog expire removes the way back to lost commits')] : [];
    case 'gc':
      return args.some((a) => a.startsWith('--prune')) ? [irreversible('git gc --prune deletes unreachable commits')] : [];
    case 'update-ref':
      return hasFlag(args, 'd') ? [irreversible('git update-ref -d deletes a ref')] : [];
    case 'filter-branch':
    case 'filter-repo':
      return [irreversible(`git ${sub} rewrites history`), blastRadius(`git ${sub} rewrites every matching commit`)];
    default:
      return [];
  }
}
