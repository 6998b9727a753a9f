import { Agent, get, request } from 'node:http';

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

/**
 * `clients` workers, each with its own number (0 .. clients-1), take indexes in [0, count) in
 * order until they run out or `deadline` (a nowMs() time) has passed; each task's latency is
 * kept. Resolves with the latencies and the wall time from the first task to the last answer.
 */
export async function runClients(
  clients: number,
  count: number,
  deadline: number,
  now: () => number,
  task: (index: number, client: number) => Promise<void>,
): Promise<{ latencies: number[]; wallMs: number }> {
  let next = 0;
  const latencies: number[] = [];
  const started = now();
  const worker = async (client: number): Promise<void> => {
    while (next < count && now() < deadline) {
      const index = next;
      next += 1;
      const t0 = now();
      await task(index, client);
      latencies.push(now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, count) }, (_, i) => worker(i)));
  return { latencies, wallMs: now() - started };
}

export interface Drained {
  bytes: number;
  lines: number;
  status: number;
  /** True when the download was cut off at its time limit: the counts are of what had come. */
  cutOff?: boolean;
}

export function countLines(chunk: Buffer): number {
  let lines = 0;
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
  return lines;
}

/**
 * Reads a whole HTTP response, counting bytes and lines, keeping nothing; after `limitMs` (if
 * given) it closes the connection and resolves with what had come, marked cutOff.
 */
export function drainHttp(url: string, token: string, limitMs?: number): Promise<Drained> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let lines = 0;
    let status = 0;
    let timer: NodeJS.Timeout | undefined;
    const req = get(url, { agent: false, headers: { Authorization: token } }, (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        lines += countLines(chunk);
      });
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ bytes, lines, status });
      });
    });
    req.on('error', reject);
    if (limitMs !== undefined) {
      timer = setTimeout(() => {
        req.removeAllListeners('error');
        req.on('error', () => undefined);
        req.destroy();
        resolve({ bytes, lines, status, cutOff: true });
      }, limitMs);
    }
  });
}
