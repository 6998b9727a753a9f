import { Agent, request } from 'node:http';

/** Keep-alive connections, enough for every concurrent client; 127.0.0.1 only. */
export const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface JsonResponse {
  status: number;
  body: unknown;
  text: string;
}

/** One JSON request over a kept-alive connection (node:http: less client CPU than fetch). */
export function httpJson(
  method: 'GET' | 'POST',
  url: string,
  token?: string,
  body?: unknown,
): Promise<JsonResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          ...(payload !== undefined
            ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
            : {}),
          ...(token ? { Authorization: token } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = undefined;
          try {
            parsed = text.length > 0 ? (JSON.parse(text) as unknown) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export async function expectStatus(
  response: Promise<JsonResponse>,
  status: number,
  what: string,
): Promise<JsonResponse> {
  const answer = await response;
  if (answer.status !== status) {
    throw new Error(
      `${what}: expected ${status}, got ${answer.status} ${answer.text.slice(0, 300)}`,
    );
  }
  return answer;
}

/** Signs in and returns an Authorization header value. */
export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const answer = await expectStatus(
    httpJson('POST', `${baseUrl}/api/auth/login`, undefined, { username, password }),
    200,
    `login ${username}`,
  );
  return `Bearer ${(answer.body as { accessToken: string }).accessToken}`;
}

export async function createUser(
  baseUrl: string,
  adminToken: string,
  username: string,
  password: string,
  roles: string[],
): Promise<void> {
  await expectStatus(
    httpJson('POST', `${baseUrl}/api/users`, adminToken, { username, password, roles }),
    201,
    `create ${username}`,
  );
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function forEachConcurrently(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
