/** Signs in through the real form over plain HTTP; returns the session cookie and a page's CSRF token. */
export async function signIn(url: string, token: string) {
  const form = await fetch(`${url}/sign-in`);
  const nonce = form.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const response = await post(url, '/sign-in', nonce, { csrf, token });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('cs_session='))!.split(';')[0]!;
  const page = await (await fetch(`${url}/`, { headers: { cookie } })).text();
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(page)![1]! };
}

export const post = (url: string, path: string, cookie: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, origin: url, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
