/** Minimal cookie reading and writing; the UI needs two cookies, not a framework. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

export interface CookieOptions {
  maxAgeSeconds: number;
  path?: string;
  /** Lax only for the identity provider's redirect back, which is a cross-site navigation. */
  sameSite?: 'Strict' | 'Lax';
}

/** HttpOnly and SameSite=Strict unless said otherwise: the browser never sends them cross-site, scripts never read them. */
export function serializeCookie(name: string, value: string, { maxAgeSeconds, path = '/', sameSite = 'Strict' }: CookieOptions): string {
  return `${name}=${value}; Path=${path}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; HttpOnly; SameSite=${sameSite}`;
}
