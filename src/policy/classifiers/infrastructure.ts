import { blastRadius, type Finding, irreversible } from './finding.js';

/** First-cut kubectl / helm classifier. */
export function classifyKubernetesWords(words: string[]): Finding[] {
  const [bin, sub] = words;
  const findings: Finding[] = [];
  if (bin === 'kubectl' && (sub === 'delete' || sub === 'drain')) findings.push(irreversible(`kubectl ${sub} removes live resources`));
  if (bin === 'helm' && (sub === 'uninstall' || sub === 'delete')) findings.push(irreversible('helm uninstall removes a release'));
  if (findings.length > 0 && words.some((w) => w === '--all' || w === '-A' || w === '--all-namespaces' || w === '-l' || w.startsWith('--selector'))) {
    findings.push(blastRadius('targets every matching resource, not one'));
  }
  return findings;
}

/** First-cut terraform / tofu / pulumi classifier. */
export function classifyTerraformWords(words: string[]): Finding[] {
  const [bin, sub] = words;
  if (!['terraform', 'tofu', 'pulumi'].includes(bin ?? '')) return [];
  if (sub === 'destroy' || (sub === 'apply' && words.includes('-destroy'))) {
    return [irreversible(`${bin} destroy deletes managed infrastructure`), blastRadius(`${bin} destroy affects every resource in the state`)];
  }
  if (sub === 'state' && words[2] === 'rm') return [irreversible(`${bin} state rm forgets resources`)];
  if (words.some((w) => w.startsWith('-replace'))) return [irreversible(`${bin} -replace destroys and recreates a resource`)];
  return [];
}

const DESTRUCTIVE_VERB = /^(terminate|delete|remove|purge|destroy|deregister)(-|$)/;

/** First-cut cloud CLI classifier (aws, gcloud, az). */
export function classifyCloudWords(words: string[]): Finding[] {
  const [bin] = words;
  if (!['aws', 'gcloud', 'az'].includes(bin ?? '')) return [];
  const verbs = words.slice(1).filter((w) => !w.startsWith('-'));
  const findings: Finding[] = [];
  if (verbs.some((v) => DESTRUCTIVE_VERB.test(v))) findings.push(irreversible(`${bin} ${verbs.slice(0, 3).join(' ')} deletes cloud resources`));
  if (bin === 'aws' && verbs[0] === 's3' && (verbs[1] === 'rm' || verbs[1] === 'rb')) {
    findings.push(irreversible(`aws s3 ${verbs[1]} deletes objects`));
    if (words.includes('--recursive') || words.includes('--force')) findings.push(blastRadius(`aws s3 ${verbs[1]} --recursive deletes every object under the prefix`));
  }
  return findings;
}
