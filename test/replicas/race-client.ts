export interface Reply<T = any> {
  status: number;
  body: T;
  /** performance.now() when the response arrived. */
  at: number;
}

/** One HTTP call; a transport failure (replica killed) resolves to status 0, outcome unknown. */
export async function call<T = any>(base: string, token: string, method: string, path: string, body?: unknown): Promise<Reply<T>> {
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, at: performance.now() };
  } catch {
    return { status: 0, body: undefined as T, at: performance.now() };
  }
}

/** Tries each base URL in turn until one answers, as a client behind a load balancer would. */
export async function callAny<T = any>(bases: string[], token: string, method: string, path: string, body?: unknown): Promise<Reply<T> & { attempts: Reply[] }> {
  const attempts: Reply[] = [];
  for (let round = 0; round < 40; round++) {
    for (const base of bases) {
      const reply = await call<T>(base, token, method, path, body);
      attempts.push(reply);
      if (reply.status !== 0) return { ...reply, attempts };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no replica answered ${method} ${path}`);
}

export const proposalBody = (n: number) => ({
  action: { type: 'sql', command: `DROP TABLE legacy_${n}`, target: { system: 'postgres://prod-db/app', environment: 'production' } },
  what: `Drop legacy table ${n}`,
  why: 'Replaced by accounts (OPS-1234)',
  blast_radius: { resources: [`prod-db/app.legacy_${n}`] },
  reversibility: { reversible: false },
  urgency: 'normal',
});

/** Runs `task` for 0..count-1 with at most `width` in flight. */
export async function inParallel<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
  return results;
}
