// Africa's Talking's messaging API as GATEWAYS.md describes it: a form post with an apiKey header, answered 201
// with a JSON list of recipients and a per-recipient statusCode. Tests steer it: take the whole gateway down (500),
// or answer a given number with a given status code.
import { listen, readBody, type MockServer } from './http.ts';

export interface AtMessage {
  username: string;
  to: string;
  message: string;
  from: string | null;
  messageId: string;
}

const statusNames: Record<number, string> = {
  101: 'Success',
  401: 'RiskHold',
  403: 'InvalidPhoneNumber',
  405: 'InsufficientBalance',
  406: 'UserInBlacklist',
  500: 'InternalServerError',
  501: 'GatewayError'
};

export interface AfricasTalkingMock extends MockServer {
  smsUrl: string;
  messages: AtMessage[];
  /** Every request, accepted or not. */
  requests: number;
  /** When set, every request is answered with this HTTP status and no recipients. */
  httpStatus: number | null;
  /** Per number (E.164): the statusCode its recipient entry gets. */
  recipientStatus: Map<string, number>;
  /** Milliseconds to wait before answering, like a real gateway across the internet. */
  delayMs: number;
}

export async function startAfricasTalkingMock(apiKey: string): Promise<AfricasTalkingMock> {
  let n = 0;
  const mock = {} as AfricasTalkingMock;
  const server = await listen(async (req, res) => {
    const body = new URLSearchParams(await readBody(req));
    mock.requests += 1;
    if (mock.delayMs) await new Promise((r) => setTimeout(r, mock.delayMs));
    if (req.method !== 'POST' || req.url !== '/version1/messaging') return void res.writeHead(404).end();
    if (req.headers.apikey !== apiKey) return void res.writeHead(401, { 'content-type': 'text/plain' }).end('The supplied authentication is invalid');
    if (mock.httpStatus) return void res.writeHead(mock.httpStatus, { 'content-type': 'text/plain' }).end('Internal Server Error');
    const to = body.get('to') ?? '';
    const statusCode = mock.recipientStatus.get(to) ?? 101;
    const messageId = statusCode < 200 ? `ATXid_${(++n).toString().padStart(6, '0')}` : 'None';
    if (statusCode < 200) mock.messages.push({ username: body.get('username') ?? '', to, message: body.get('message') ?? '', from: body.get('from'), messageId });
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        SMSMessageData: {
          Message: `Sent to ${statusCode < 200 ? 1 : 0}/1 Total Cost: INR 0.2500`,
          Recipients: [{ statusCode, number: to, status: statusNames[statusCode] ?? 'Failed', cost: 'INR 0.2500', messageId, messageParts: 1 }]
        }
      })
    );
  });
  return Object.assign(mock, server, { smsUrl: `${server.url}/version1/messaging`, messages: [], requests: 0, httpStatus: null, recipientStatus: new Map(), delayMs: 0 });
}
