// A real SMTP server (smtp-server, nodemailer's own test double) that keeps what it receives. Addresses can be
// made to fail permanently (550) or for now (451), as mail servers do.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
}

export interface SmtpMock {
  url: string;
  mails: ReceivedMail[];
  permanent: Set<string>;
  temporary: Set<string>;
  stop(): Promise<void>;
}

export async function startSmtpMock(): Promise<SmtpMock> {
  const mock = { mails: [] as ReceivedMail[], permanent: new Set<string>(), temporary: new Set<string>() };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      if (mock.permanent.has(to)) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      if (mock.temporary.has(to)) return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mock.mails.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(mock, {
    url: `smtp://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()))
  });
}
