import { InvalidArgumentError } from 'commander';

/**
 * `--server` (or COUNTERSIGN_URL) as commander parses it: a malformed URL is
 * bad usage (exit 2) named at once, not a connection failure later.
 */
export function serverUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.host) {
    throw new InvalidArgumentError('It must be an http:// or https:// URL, such as http://127.0.0.1:7420.');
  }
  return value;
}
