import type { Word } from './shell-words.js';

/** Options of each wrapper that take a value, so the value is not mistaken for the command. */
const WRAPPERS: Record<string, { valued: string[]; positional?: number }> = {
  sudo: { valued: ['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '--user', '--group', '--host', '--prompt', '--chdir'] },
  doas: { valued: ['-u', '-C'] },
  env: { valued: ['-u', '--unset', '-C', '--chdir'] },
  nohup: { valued: [] },
  time: { valued: ['-f', '-o'] },
  exec: { valued: ['-a'] },
  command: { valued: [] },
  builtin: { valued: [] },
  nice: { valued: ['-n', '--adjustment'] },
  ionice: { valued: ['-c', '-n', '-p', '--class', '--classdata'] },
  stdbuf: { valued: ['-i', '-o', '-e'] },
  setsid: { valued: [] },
  unbuffer: { valued: [] },
  timeout: { valued: ['-s', '-k', '--signal', '--kill-after'], positional: 1 },
  chroot: { valued: ['--userspec', '--groups'], positional: 1 },
  flock: { valued: ['-w', '-E', '--timeout', '--conflict-exit-code'], positional: 1 },
  xargs: { valued: ['-I', '-n', '-P', '-d', '-L', '-s', '-E', '-a', '--max-args', '--max-procs', '--delimiter', '--arg-file', '--replace'] },
  busybox: { valued: [] },
};

export interface Unwrapped {
  words: Word[];
  /** The wrappers that were peeled off, outermost first. */
  via: string[];
  /** A command line a wrapper carries as one string (`env -S '…'`, `flock FILE -c '…'`), to be parsed again. */
  script?: { text: Word; where: string };
}

/** Wrapper options whose value is a whole command line. */
const SCRIPT_OPTIONS: Record<string, string[]> = { env: ['-S', '--split-string'], flock: ['-c', '--command'] };

const basename = (w: string) => w.split('/').pop() ?? w;

/**
 * Peels `sudo`, `env X=1`, `nohup`, `xargs` and similar wrappers off a command
 * so the command they run is classified, not the wrapper. After `xargs` the
 * run-time input is appended as a dynamic word.
 */
export function unwrap(words: Word[]): Unwrapped {
  const via: string[] = [];
  let rest = words;
  for (;;) {
    const head = rest[0];
    const name = head && !head.dynamic ? basename(head.text) : '';
    const spec = WRAPPERS[name];
    if (!spec) return { words: rest, via };
    if (name === 'command' && /^-[vV]$/.test(rest[1]?.text ?? '')) return { words: rest, via }; // a lookup, not a run
    via.push(name);
    let i = 1;
    let positional = spec.positional ?? 0;
    while (i < rest.length) {
      const w = rest[i]!.text;
      if (w === '--') { i++; break; }
      if (SCRIPT_OPTIONS[name]?.includes(w) && rest[i + 1]) return { words: [], via, script: { text: rest[i + 1]!, where: `${name} ${w}` } };
      if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) { i++; continue; }
      if (w.startsWith('-') && w.length > 1) {
        i += spec.valued.includes(w) ? 2 : 1;
        continue;
      }
      if (positional > 0) { positional--; i++; continue; }
      break;
    }
    rest = rest.slice(i);
    if (name === 'xargs') rest = [...(rest.length ? rest : [{ text: 'echo', dynamic: false }]), { text: '{xargs input}', dynamic: true }];
    if (rest.length === 0) return { words: rest, via };
  }
}
