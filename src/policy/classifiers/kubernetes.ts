import { blastRadius, type Finding, irreversible } from './finding.js';
import { hasFlag } from './shell-commands.js';

const WIDE = ['--all', '-A', '--all-namespaces', '-l', '--selector', '--field-selector'];
const VALUED = new Set(['-n', '--namespace', '-l', '--selector', '--field-selector', '-o', '--output', '-f', '--filename', '-c', '--container',
  '--context', '--cluster', '--user', '--kubeconfig', '--grace-period', '--timeout', '--replicas', '-k', '--kustomize', '-s', '--server']);

/** Words that are not flags nor the values of flags. */
function positional(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (VALUED.has(w)) i++;
    else if (!w.startsWith('-')) out.push(w);
  }
  return out;
}

function namespaceOf(words: string[]): string | undefined {
  const i = words.findIndex((w) => w === '-n' || w === '--namespace');
  if (i >= 0) return words[i + 1];
  return words.find((w) => w.startsWith('--namespace='))?.slice('--namespace='.length);
}

function kubectl(words: string[]): Finding[] {
  const verbs = positional(words);
  const [sub, resource] = verbs;
  const replicas = words.find((w, i) => w.startsWith('--replicas=') || words[i - 1] === '--replicas');
  const out: Finding[] = [];
  if (sub === 'delete') out.push(irreversible(`kubectl delete ${resource ?? ''} removes live resources`.replace(/ +/g, ' ')));
  if (sub === 'drain') out.push(irreversible(`kubectl drain evicts every pod from ${resource ?? 'the node'}`), blastRadius('kubectl drain moves every workload off a node'));
  if (sub === 'replace' && hasFlag(words, '', '--force')) out.push(irreversible('kubectl replace --force deletes and recreates the resource'));
  if (sub === 'scale' && replicas !== undefined && /^(--replicas=)?0+$/.test(replicas)) out.push(irreversible('kubectl scale --replicas=0 stops every pod'));
  if (sub === 'apply' && words.some((w) => w === '--prune' || w.startsWith('--prune='))) out.push(irreversible('kubectl apply --prune deletes resources missing from the manifests'));
  if (sub === 'delete' && /^(ns|namespaces?|projects?|nodes?|no|pv|persistentvolumes?|crds?|customresourcedefinitions?)$/.test(resource ?? '')) {
    out.push(blastRadius(`deleting ${resource} removes everything inside it`));
  }
  if (out.length && words.some((w) => WIDE.includes(w) || WIDE.some((f) => w.startsWith(`${f}=`)))) out.push(blastRadius('targets every matching resource, not one'));
  const named = resource?.includes('/') ? verbs.slice(1) : verbs.slice(2);
  if (sub === 'delete' && (named.length > 1 || resource?.includes(','))) out.push(blastRadius(`names ${named.length} resources`));
  if (sub === 'delete' && words.some((w) => w === '-f' || w === '--filename' || w.startsWith('--filename=') || w === '-k')) out.push(blastRadius('deletes everything a manifest names'));
  return out;
}

function helm(words: string[]): Finding[] {
  const [sub, release] = positional(words);
  if (sub === 'uninstall' || sub === 'delete' || sub === 'del' || sub === 'un') return [irreversible(`helm uninstall removes the release ${release ?? ''} and its resources`.trim())];
  if (sub === 'rollback') return [irreversible('helm rollback replaces the running release')];
  return [];
}

/** kubectl and helm: deletions, drains, scale to zero, wide selectors, critical namespaces. */
export function classifyKubernetesWords(words: string[], critical: readonly RegExp[] = []): Finding[] {
  const out = words[0] === 'helm' ? helm(words) : kubectl(words);
  const ns = namespaceOf(words);
  if (out.length && ns && critical.some((c) => c.test(ns))) out.push(blastRadius(`namespace ${ns} matches a critical service in the policy`));
  return out;
}
