// MSDG's sendsmsrequestDLT as GATEWAYS.md describes it: a form post whose password is the SHA-1 of the password and
// whose key is the SHA-512 of username + sender id + content + secure key; Unicode content arrives as &#NNNN;
// entities. Answers are plain text, "402,MsgID = …" or "ERROR : 4xx …". The mock checks everything it can.
import { createHash } from 'node:crypto';
import { listen, readBody, type MockServer } from './http.ts';

export interface MsdgAccount {
  username: string;
  password: string;
  senderId: string;
  secureKey: string;
}

export interface MsdgMessage {
  mobile: string;
  /** The text as the handset shows it, entities decoded. */
  text: string;
  serviceType: string;
  templateId: string;
  entityId: string;
}

export interface MsdgMock extends MockServer {
  sendUrl: string;
  messages: MsdgMessage[];
  /** Answer every request with this error code instead ("ERROR : <code> …"). */
  errorCode: number | null;
}

const hex = (algo: string, s: string) => createHash(algo).update(s, 'utf8').digest('hex');

export async function startMsdgMock(account: MsdgAccount): Promise<MsdgMock> {
  let n = 0;
  const mock = {} as MsdgMock;
  const answer = (res: import('node:http').ServerResponse, text: string) => res.writeHead(200, { 'content-type': 'text/html' }).end(text);
  const server = await listen(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/esms/sendsmsrequestDLT') return void res.writeHead(404).end();
    const f = new URLSearchParams(await readBody(req));
    if (mock.errorCode) return answer(res, `ERROR : ${mock.errorCode} Service unavailable`);
    if (f.get('username') !== account.username || f.get('password') !== hex('sha1', account.password)) return answer(res, 'ERROR : 401 Credentials Error, may be invalid username or password');
    const content = f.get('content') ?? '';
    if (!f.get('key')) return answer(res, 'ERROR : 415 Secure key not found');
    if (f.get('key') !== hex('sha512', account.username + account.senderId + content.trim() + account.secureKey)) return answer(res, 'ERROR : 416 Hash mismatch');
    if (!/^\d{12,19}$/.test(f.get('templateid') ?? '')) return answer(res, 'ERROR : 423 Template id required');
    if (!/^\d{12,19}$/.test(f.get('entityid') ?? '')) return answer(res, 'ERROR : 422 Entity id must be 12-19 digits');
    const type = f.get('smsservicetype') ?? '';
    const mobile = type === 'unicodemsg' || type === 'bulkmsg' ? f.get('bulkmobno') : f.get('mobileno');
    if (!mobile || !/^[6-9]\d{9}$/.test(mobile)) return answer(res, 'ERROR : 406 Invalid mobile number');
    if (type === 'unicodemsg' && !/^(&#\d+;)+$/.test(content)) return answer(res, 'ERROR : 413 Content not in expected form');
    const text = type === 'unicodemsg' ? content.replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d))) : content;
    mock.messages.push({ mobile, text, serviceType: type, templateId: f.get('templateid')!, entityId: f.get('entityid')! });
    answer(res, `402,MsgID = ${Date.now()}${++n}msdgsms`);
  });
  return Object.assign(mock, server, { sendUrl: `${server.url}/esms/sendsmsrequestDLT`, messages: [], errorCode: null });
}
