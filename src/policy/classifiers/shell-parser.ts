import { createRequire } from 'node:module';
import { Language, type Node, Parser } from 'web-tree-sitter';

// tree-sitter-bash's grammar ships as wasm inside its npm package: no native build, no download.
const require = createRequire(import.meta.url);
await Parser.init();
const bash = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
const parser = new Parser();
parser.setLanguage(bash);

export type ShellNode = Node;

/** Parses a bash script and hands its root to `use`; `undefined` from `use` is allowed. Frees the tree after. */
export function withShellTree<T>(script: string, use: (root: ShellNode | undefined) => T): T {
  const tree = parser.parse(script);
  try {
    return use(tree && !tree.rootNode.hasError ? tree.rootNode : undefined);
  } finally {
    tree?.delete();
  }
}
