import { z } from 'zod';
import { NOTIFICATION_TYPES, type NotificationType } from '../domain/notification.js';
import { parseDuration } from './duration.js';
import { PolicyError } from './policy-error.js';
import { durationSchema } from './policy-rules.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable');

const webhookSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"'),
    /** `slack`: an incoming-webhook message; `json`: the event as JSON, signed with HMAC-SHA256. */
    format: z.enum(['slack', 'json']),
    /** The URL, or (for URLs that are secrets, like Slack's) the environment variable holding it. */
    url: httpUrl.optional(),
    url_env: envName.optional(),
    /** The environment variable holding the HMAC key; required for `json`, optional for `slack`. */
    secret_env: envName.optional(),
    events: z.array(z.enum(NOTIFICATION_TYPES)).min(1).default([...NOTIFICATION_TYPES]),
  })
  .superRefine((w, ctx) => {
    if ((w.url === undefined) === (w.url_env === undefined)) ctx.addIssue({ code: 'custom', path: ['url'], message: 'give exactly one of url or url_env' });
    if (w.format === 'json' && !w.secret_env) ctx.addIssue({ code: 'custom', path: ['secret_env'], message: 'is required for format json: name the environment variable holding the signing key' });
  });

export const notificationsSchema = z
  .strictObject({
    /** The UI's address as people reach it, for links in messages (default: the server's own). */
    public_url: httpUrl.optional(),
    /** How often flagged approvers are reported (one digest per period). */
    rubber_stamp_every: durationSchema.default('24h'),
    retry: z
      .strictObject({ attempts: z.number().int().min(1).max(20).default(8), first_delay: durationSchema.default('2s'), max_delay: durationSchema.default('10m') })
      .prefault({}),
    webhooks: z.array(webhookSchema).default([]),
  })
  .superRefine((n, ctx) => {
    const seen = new Set<string>();
    n.webhooks.forEach((w, i) => {
      if (seen.has(w.name)) ctx.addIssue({ code: 'custom', path: ['webhooks', i, 'name'], message: `"${w.name}" is used by an earlier webhook; names must be unique` });
      seen.add(w.name);
    });
  });

export type NotificationsSource = z.infer<typeof notificationsSchema>;

export interface NotificationSettings {
  public_url?: string;
  rubber_stamp_every_ms: number;
  retry: { attempts: number; first_delay_ms: number; max_delay_ms: number };
  webhooks: NotificationsSource['webhooks'];
}

export const notificationSettings = (n: NotificationsSource): NotificationSettings => ({
  ...(n.public_url ? { public_url: n.public_url } : {}),
  rubber_stamp_every_ms: parseDuration(n.rubber_stamp_every)!,
  retry: { attempts: n.retry.attempts, first_delay_ms: parseDuration(n.retry.first_delay)!, max_delay_ms: parseDuration(n.retry.max_delay)! },
  webhooks: n.webhooks,
});

/** A webhook ready to send to: its URL and key read from the environment. */
export interface WebhookTarget {
  name: string;
  format: 'slack' | 'json';
  url: string;
  secret?: string;
  events: ReadonlySet<NotificationType>;
}

/**
 * Reads each webhook's URL and signing key from where the policy says.
 * Secrets live in the environment, never in the policy file (whose content
 * is summarised into the audit log).
 */
export function resolveWebhooks(settings: NotificationSettings, env: NodeJS.ProcessEnv): WebhookTarget[] {
  return settings.webhooks.map((w, i) => {
    const read = (key: 'url_env' | 'secret_env', name: string): string => {
      const value = env[name];
      if (!value) throw new PolicyError(`notifications.webhooks.${i}.${key}: the environment variable ${name} is not set; set it before starting the server`);
      return value;
    };
    const url = w.url ?? read('url_env', w.url_env!);
    if (!httpUrl.safeParse(url).success) throw new PolicyError(`notifications.webhooks.${i}.url_env: ${w.url_env} must hold an http:// or https:// URL`);
    return { name: w.name, format: w.format, url, ...(w.secret_env ? { secret: read('secret_env', w.secret_env) } : {}), events: new Set(w.events) };
  });
}
