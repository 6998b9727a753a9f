import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The whole message source as the relay received it, headers included. */
  raw: string;
}

export interface SmtpReceiver {
  /** smtp://user:password@127.0.0.1:port, the relay's login included. */
  url: string;
  password: string;
  received: ReceivedMail[];
  /** SMTP reply codes to refuse the next deliveries with, in order (after DATA). */
  refuseNext(...codes: number[]): void;
  close(): Promise<void>;
}

/**
 * A local SMTP relay on 127.0.0.1 (smtp-server) that asks for a login and keeps every message
 * it accepts. No STARTTLS: the tests speak plain SMTP to a loopback port.
 */
export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = [];
  const refusals: number[] = [];
  const password = `relay-secret-${process.pid}-${Date.now()}`;
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'relay' && auth.password === password)
        callback(null, { user: 'relay' });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const code = refusals.shift();
        if (code !== undefined) {
          const refusal = Object.assign(new Error(`Refused by the test relay (${code})`), {
            responseCode: code,
          });
          callback(refusal);
          return;
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://relay:${password}@127.0.0.1:${port}`,
    password,
    received,
    refuseNext: (...codes) => refusals.push(...codes),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
