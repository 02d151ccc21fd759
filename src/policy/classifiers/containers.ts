import { blastRadius, type Finding, irreversible, unanalysable } from './finding.js';
import { hasFlag } from './shell-commands.js';
import type { Word } from './shell-words.js';

type Inner = (argv: Word[]) => Finding[];

const EXEC_VALUED = new Set(['-u', '--user', '-w', '--workdir', '-e', '--env', '--env-file', '--detach-keys']);

/** `docker exec CONTAINER cmd…`: the command run inside the container is classified like any other. */
function exec(argv: Word[], inner: Inner): Finding[] {
  let i = 2;
  while (i < argv.length && argv[i]!.text.startsWith('-')) i += EXEC_VALUED.has(argv[i]!.text) ? 2 : 1;
  const command = argv.slice(i + 1);
  return command.length ? inner(command) : [];
}

/** docker / podman: removals and prunes, and commands run inside containers. */
export function classifyContainerWords(argv: Word[], inner: Inner): Finding[] {
  const words = argv.map((w) => w.text);
  const verbs = words.slice(1).filter((w) => !w.startsWith('-'));
  const [sub, second] = verbs;
  const bin = words[0];
  switch (sub) {
    case 'exec':
      return exec(argv, inner);
    case 'run':
      // the image's command and entrypoint are not visible here
      return words.some((w) => w === '--privileged' || w.startsWith('-v=/:') || w === '/:/host' || /^\/:/.test(w))
        ? unanalysable(`${bin} run with the host's root or privileges can do anything`)
        : [];
    case 'rm':
    case 'rmi':
      return [irreversible(`${bin} ${sub} removes ${sub === 'rm' ? 'containers' : 'images'}${hasFlag(words, 'v', '--volumes') ? ' and their volumes' : ''}`)];
    case 'volume':
      return second === 'rm' || second === 'prune' ? [irreversible(`${bin} volume ${second} deletes volume data`), ...(second === 'prune' ? [blastRadius(`${bin} volume prune deletes every unused volume`)] : [])] : [];
    case 'system':
    case 'container':
    case 'image':
      return second === 'prune' ? [irreversible(`${bin} ${sub} prune deletes unused data`), blastRadius(`${bin} ${sub} prune reaches everything unused`)] : [];
    default:
      return [];
  }
}
