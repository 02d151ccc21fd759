import { blastRadius, cost, type Finding, irreversible } from './finding.js';

const GLOBAL_VALUED = new Set(['--region', '--profile', '--output', '--endpoint-url', '--query', '--project', '--zone', '--subscription', '--configuration', '--account', '--format', '--cli-input-json']);
// A verb segment anywhere in the operation name: delete-table, batch-delete-image, schedule-key-deletion.
const DESTRUCTIVE = /(^|-)(terminate|delete|deletion|remove|purge|destroy|deregister|drop|rb|rm|revoke|disable|reset|wipe|abandon)(-|$)/;
const READ_VERB = /^(describe|list|get|show|view)(-|$)/;
const IAM_READ = /^(get|list|describe|simulate|generate|show|view|test-iam|search)(-|$)/;

/** Rough on-demand USD per hour, to turn a launch into a monthly estimate. */
const HOURLY: Record<string, number> = {
  't3.micro': 0.0104, 't3.medium': 0.0416, 't3.large': 0.0832, 'm5.large': 0.096, 'm5.xlarge': 0.192, 'm5.4xlarge': 0.768,
  'c5.large': 0.085, 'c5.9xlarge': 1.53, 'r5.large': 0.126, 'r5.4xlarge': 1.008, 'p3.2xlarge': 3.06, 'p4d.24xlarge': 32.77,
  'p5.48xlarge': 98.32, 'g5.xlarge': 1.006, 'x1e.32xlarge': 26.69, 'e2-standard-4': 0.134, 'n2-standard-8': 0.388,
  'a2-highgpu-8g': 29.39, 'Standard_D4s_v3': 0.192, 'Standard_ND96asr_v4': 27.2,
};
const MONTH_HOURS = 730;

function positional(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (GLOBAL_VALUED.has(w)) i++;
    else if (!w.startsWith('-')) out.push(w);
  }
  return out;
}

function option(words: string[], ...names: string[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    for (const n of names) {
      if (words[i] === n) return words[i + 1];
      if (words[i]!.startsWith(`${n}=`)) return words[i]!.slice(n.length + 1);
    }
  }
  return undefined;
}

/** A monthly estimate for launches that name a count and an instance type. */
function launchCost(words: string[], threshold: number): Finding[] {
  const type = option(words, '--instance-type', '--machine-type', '--size');
  const count = Number(option(words, '--count', '--num-nodes', '--desired-capacity', '--max-count', '--instance-count') ?? '1');
  const hourly = type ? HOURLY[type] : undefined;
  if (!hourly || !Number.isFinite(count)) return [];
  const monthly = Math.round(hourly * count * MONTH_HOURS);
  return monthly > threshold ? [cost(`launching ${count} × ${type} costs about $${monthly}/month, over the $${threshold} threshold`)] : [];
}

/** aws, gcloud, az (and gsutil): deleting verbs, recursive S3 removal, IAM changes, cost-bearing launches. */
export function classifyCloudWords(words: string[], costThreshold = 1000): Finding[] {
  const bin = words[0]!;
  const verbs = positional(words);
  const out: Finding[] = [];
  const recursive = words.includes('--recursive') || words.includes('-r') || words.includes('-R') || words.includes('--force');
  const shown = `${bin} ${verbs.slice(0, 3).join(' ')}`;
  if (bin === 'aws' && verbs[0] === 's3') {
    if (verbs[1] === 'rm' || verbs[1] === 'rb') out.push(irreversible(`aws s3 ${verbs[1]} deletes objects${verbs[1] === 'rb' ? ' and the bucket' : ''}`));
    if (verbs[1] === 'sync' && words.includes('--delete')) out.push(irreversible('aws s3 sync --delete deletes objects missing from the source'), blastRadius('aws s3 sync --delete reaches the whole prefix'));
    if ((verbs[1] === 'rm' || verbs[1] === 'rb') && recursive) out.push(blastRadius(`aws s3 ${verbs[1]} ${words.includes('--force') ? '--force' : '--recursive'} deletes every object under the prefix`));
    return out;
  }
  if (bin === 'gsutil') {
    if (verbs[0] === 'rm' || verbs[0] === 'rb') out.push(irreversible(`gsutil ${verbs[0]} deletes objects`));
    if (out.length && (recursive || words.includes('-m'))) out.push(blastRadius(`gsutil ${verbs[0]} -r deletes every object under the prefix`));
    return out;
  }
  const destructive = verbs.slice(1).find((v) => DESTRUCTIVE.test(v) && !READ_VERB.test(v));
  if (destructive) out.push(irreversible(`${shown} ${destructive.startsWith('revoke') || destructive.startsWith('disable') ? 'takes access or a service away' : 'deletes cloud resources'}`));
  if (destructive && ((bin === 'az' && verbs[0] === 'group') || (bin === 'gcloud' && verbs[0] === 'projects') || words.includes('--all'))) {
    out.push(blastRadius(`${shown} removes everything inside it`));
  }
  if (['iam', 'organizations', 'sts'].includes(verbs[0] ?? '') || (bin === 'az' && verbs[0] === 'role') || verbs.includes('add-iam-policy-binding') || verbs.includes('set-iam-policy')) {
    const op = verbs.at(-1) ?? '';
    if (!IAM_READ.test(verbs[1] ?? '') || op.includes('iam-policy')) out.push(blastRadius(`${shown} changes who may do what across the account`));
  }
  const idCount = words.filter((w) => /^i-[0-9a-f]{6,}$/.test(w)).length;
  if (destructive && idCount > 1) out.push(blastRadius(`${shown} names ${idCount} instances`));
  out.push(...launchCost(words, costThreshold));
  return out;
}
