import { type Finding, irreversible } from './finding.js';
import { hasFlag } from './shell.js';

/** First-cut git classifier: history rewrites and deletions on remotes. */
export function classifyGitWords(words: string[]): Finding[] {
  const sub = words.slice(1).find((w) => !w.startsWith('-'));
  const args = words.slice(words.indexOf(sub ?? '') + 1);
  switch (sub) {
    case 'push':
      if (hasFlag(args, 'f', '--force') || args.some((a) => a.startsWith('--force-with-lease') || a.startsWith('+'))) {
        return [irreversible('git push --force rewrites history on the remote')];
      }
      if (hasFlag(args, 'd', '--delete') || args.some((a) => a.startsWith(':'))) return [irreversible('git push --delete removes a remote branch')];
      return [];
    case 'reset':
      return args.includes('--hard') ? [irreversible('git reset --hard discards commits and changes')] : [];
    case 'branch':
      return args.includes('-D') ? [irreversible('git branch -D deletes an unmerged branch')] : [];
    case 'filter-branch':
    case 'filter-repo':
      return [irreversible(`git ${sub} rewrites history`)];
    default:
      return [];
  }
}
