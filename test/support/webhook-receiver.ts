import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

export interface WebhookReceiver {
  url: string;
  received: { body: unknown; headers: IncomingMessage['headers'] }[];
  /** Status codes to answer with, in order; 200 once they run out. */
  failNext(...statuses: number[]): void;
  close(): Promise<void>;
}

/** A local HTTP receiver on 127.0.0.1 that records what it is sent. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  const planned: number[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const status = planned.shift() ?? 200;
      if (status === 200)
        received.push({ body: JSON.parse(text) as unknown, headers: req.headers });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    received,
    failNext: (...statuses) => planned.push(...statuses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
