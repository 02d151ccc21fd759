// `npm run build`: compiles src/ to dist/ (JavaScript for everything, type declarations for
// the package's exports) and copies the UI's assets beside the compiled UI. Incremental: with
// dist/ up to date it takes well under a second, so `npm test` runs it first every time.
// `--clean` starts from an empty dist/ (`npm pack` does, so no output of a deleted file ships).
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.argv.includes('--clean')) rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const { status } = spawnSync(process.execPath, [tsc, '--build', 'tsconfig.build.json', 'tsconfig.types.json'], { cwd: root, stdio: 'inherit' });
cpSync(new URL('../src/ui/assets', import.meta.url), new URL('../dist/ui/assets', import.meta.url), { recursive: true });
process.exit(status ?? 1);
