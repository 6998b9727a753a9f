/** Plain HTTP to a server child process, as an independent client would speak to it. */

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export async function call(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  token?: string,
  body?: object,
): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(body ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: token } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

export async function login(url: string, username: string, password: string): Promise<string> {
  const answer = await call(url, 'POST', '/api/auth/login', undefined, { username, password });
  if (answer.status !== 200) throw new Error(`login ${username}: ${answer.status}`);
  return `Bearer ${answer.body.accessToken as string}`;
}

export async function expectStatus(answer: Promise<Answer>, status: number, what: string) {
  const got = await answer;
  if (got.status !== status)
    throw new Error(`${what}: expected ${status}, got ${got.status} ${JSON.stringify(got.body)}`);
  return got;
}

/** Runs `task` over `items` with at most `concurrency` in flight. */
export async function pool<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}
