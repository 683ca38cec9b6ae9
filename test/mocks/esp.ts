// An eSign Service Provider as the CCA's eSign API 2.1 describes it, for tests and for trying eSign locally
// (`node --import tsx test/mocks/esp.ts`): the ASP's browser form-posts eSignRequest (the signed <Esign> XML) and
// aspTxnId; the ESP checks the ASP's XML signature with the certificate the ASP registered, shows its own page where
// the signer gives an Aadhaar number and the OTP sent to the mobile on record (here: `otp`, recorded in `sentOtps`),
// issues a short-lived certificate in the resident's name from its own CA, signs the InputHash as a PKCS#7
// (responseSigType pkcs7) and form-posts <EsignResp>, signed with its own XML key, to the request's responseUrl.
// `tamper` makes it answer wrongly, one way at a time, for the tests of what the ASP must refuse.
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { ESIGN_API_VERSION, esignTimestamp, signXml, verifiedRoot } from '../../api/esign/protocol.ts';
import { buildCms } from '../../api/signing/cms.ts';
import { listen, readBody, type MockServer } from './http.ts';

export type Tamper = 'hash' | 'txn' | 'xml' | 'untrusted' | 'old' | 'name';

export interface EspMock extends MockServer {
  /** Where the ASP sends the officer's browser (ESIGN_ESP_URL). */
  signUrl: string;
  /** Files for the ASP's configuration: the ESP's XML-signing certificate and the CA of the signers' certificates. */
  espCertPath: string;
  caPath: string;
  caPem: string;
  /** An ASP's key and certificate, registered with this ESP under `aspId` (ESIGN_ASP_KEY_PEM, ESIGN_ASP_CERT_PEM). */
  asp: { id: string; keyPath: string; certPath: string; keyPem: string; certPem: string };
  /** Residents by Aadhaar number: the name their certificate will carry. */
  residents: Map<string, string>;
  otp: string;
  sentOtps: string[];
  requests: { txn: string; aspId: string; digestHex: string; docInfo: string }[];
  tamper: Tamper | null;
  /** Builds a signed EsignResp as this ESP would (for unit tests of the ASP's checks). */
  respond(o: { txn: string; digestHex: string; name: string; status?: '1' | '0'; errCode?: string; errMsg?: string; tamper?: Tamper | null; at?: Date }): Promise<string>;
  close(): Promise<void>;
}

function makeCa(cn: string) {
  const keys = pemPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey);
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 5 * 365 * 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
  cert.setSubject([{ shortName: 'C', value: 'IN' }, { shortName: 'O', value: 'Test ESP' }, { shortName: 'CN', value: cn }]);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }, { name: 'subjectKeyIdentifier' }]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKey), forge.md.sha256.create());
  return { keyPem: keys.privateKey, cert, certPem: forge.pki.certificateToPem(cert) };
}

function pemPair() {
  return generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
}

/** A leaf certificate under `ca` for `cn`, valid from `from` for `minutes` (eSign certificates live minutes). */
function leaf(ca: ReturnType<typeof makeCa>, cn: string, from: Date, minutes: number, usage: 'sign' | 'xml', keys = pemPair()) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey);
  cert.serialNumber = '02' + randomBytes(8).toString('hex');
  cert.validity.notBefore = new Date(from.getTime() - 60_000);
  cert.validity.notAfter = new Date(from.getTime() + minutes * 60_000);
  cert.setSubject([{ shortName: 'C', value: 'IN' }, { shortName: 'O', value: usage === 'sign' ? 'Personal' : 'Test ESP' }, { shortName: 'CN', value: cn, valueTagClass: forge.asn1.Type.UTF8 } as unknown as forge.pki.CertificateField]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([{ name: 'basicConstraints', cA: false, critical: true }, { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true }]);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { keyPem: keys.privateKey, cert, certPem: forge.pki.certificateToPem(cert) };
}

const der = (c: forge.pki.Certificate) => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes(), 'binary');
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Session {
  id: string;
  txn: string;
  aspId: string;
  digestHex: string;
  docInfo: string;
  responseUrl: string;
  tries: number;
}

export async function startEspMock(opts: { residents?: Record<string, string>; otp?: string; now?: () => Date } = {}): Promise<EspMock> {
  const now = opts.now ?? (() => new Date());
  const dir = mkdtempSync(join(tmpdir(), 'orc-esp-'));
  const ca = makeCa('Test eSign CA 2026');
  const stranger = makeCa('Some Other CA');
  const espXml = leaf(ca, 'Test ESP Response Signer', new Date(Date.now() - 86_400_000), 10 * 365 * 24 * 60, 'xml');
  // The district's ASP key and certificate, as registered with this ESP when the district signed up.
  const aspKeys = pemPair();
  const aspCertPem = leaf(makeCa('Test ASP CA'), 'Test ASP North 24 Parganas', new Date(Date.now() - 86_400_000), 10 * 365 * 24 * 60, 'xml', aspKeys).certPem;
  const files = { espCert: join(dir, 'esp.pem'), ca: join(dir, 'esign-ca.pem'), aspKey: join(dir, 'asp.key'), aspCert: join(dir, 'asp.pem') };
  writeFileSync(files.espCert, espXml.certPem);
  writeFileSync(files.ca, ca.certPem);
  writeFileSync(files.aspKey, aspKeys.privateKey);
  writeFileSync(files.aspCert, aspCertPem);
  const aspId = 'ASP-N24PGS-TEST';
  const registered = new Map([[aspId, aspCertPem]]);
  const sessions = new Map<string, Session>();
  const mock = {} as EspMock;

  async function respond(o: Parameters<EspMock['respond']>[0]): Promise<string> {
    const tamper = o.tamper === undefined ? mock.tamper : o.tamper;
    const at = o.at ?? now();
    const status = o.status ?? '1';
    let body = '';
    if (status === '1') {
      const issuer = tamper === 'untrusted' ? stranger : ca;
      const signer = leaf(issuer, tamper === 'name' ? 'Somebody Else' : o.name, at, 30, 'sign');
      const digest = tamper === 'hash' ? createHash('sha256').update('another document').digest() : Buffer.from(o.digestHex, 'hex');
      const cms = await buildCms(digest, { certificates: [der(signer.cert), der(issuer.cert)], sign: async (data) => sign('sha256', data, signer.keyPem) }, at);
      body =
        `<UserX509Certificate>${der(signer.cert).toString('base64')}</UserX509Certificate>` +
        `<Signatures><DocSignature id="1" sigHashAlgorithm="SHA256" error="">${cms.toString('base64')}</DocSignature></Signatures>`;
    }
    const ts = esignTimestamp(tamper === 'old' ? new Date(at.getTime() - 24 * 3_600_000) : at);
    const txn = tamper === 'txn' ? randomUUID() : o.txn;
    const xml =
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><EsignResp ver="${ESIGN_API_VERSION}" status="${status}" ts="${ts}" txn="${html(txn)}" ` +
      `resCode="${randomUUID()}" errCode="${html(o.errCode ?? 'NA')}" errMsg="${html(o.errMsg ?? 'NA')}">${body}</EsignResp>`;
    const signed = signXml(xml, espXml.keyPem, espXml.certPem);
    // Changed after signing: the ESP's signature no longer holds.
    return tamper === 'xml' ? signed.replace(`status="${status}"`, `status="${status}" resCode2="x"`).replace('errMsg="NA"', 'errMsg="NB"') : signed;
  }

  const page = (s: Session, error = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>eSign – Test ESP</title><style>body{font-family:sans-serif;max-width:30rem;margin:1rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}input{font-size:1.1rem;width:100%;box-sizing:border-box;padding:.4rem}button{font-size:1.1rem;margin:.8rem .5rem 0 0;padding:.5rem 1rem}.err{color:#b00}</style></head>
<body><h1>eSign (test ESP)</h1><p>You are about to sign: <strong>${html(s.docInfo)}</strong></p><p>Document hash (SHA-256): <code style="word-break:break-all">${s.digestHex}</code></p>
${error ? `<p class="err" role="alert">${html(error)}</p>` : ''}
<form method="post" action="/esign/2.1/otp"><input type="hidden" name="session" value="${s.id}">
<label for="aadhaar">Aadhaar number</label><input id="aadhaar" name="aadhaar" inputmode="numeric" autocomplete="off">
<label for="otp">OTP sent to the mobile number registered with Aadhaar</label><input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code">
<p><label><input type="checkbox" name="consent" value="Y" style="width:auto"> I consent to sign this document with eSign.</label></p>
<button name="action" value="sign">Sign</button><button name="action" value="cancel">Cancel</button></form></body></html>`;

  const postBack = (s: Session, xml: string) => `<!doctype html><html><head><meta charset="utf-8"><title>Returning…</title></head>
<body onload="document.forms[0].submit()"><form method="post" action="${html(s.responseUrl)}"><input type="hidden" name="eSignResponse" value="${html(xml)}"><input type="hidden" name="espTxnId" value="${s.id}"><noscript><button>Continue</button></noscript></form></body></html>`;

  const server = await listen(async (req, res) => {
    const send = (status: number, body: string) => res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    if (req.method === 'POST' && req.url === '/esign/2.1/signdoc') {
      const form = new URLSearchParams(await readBody(req));
      const xml = form.get('eSignRequest') ?? '';
      const aspIdClaimed = /aspId="([^"]*)"/.exec(xml)?.[1] ?? '';
      const cert = registered.get(aspIdClaimed);
      const root = cert ? verifiedRoot(xml, cert) : null;
      // An unsigned or unknown ASP's request goes nowhere: there is no trusted responseUrl to answer.
      if (!root || root.localName !== 'Esign') return send(400, 'ESP: the request is not signed by a registered ASP.');
      const input = root.getElementsByTagName('InputHash')[0];
      const checks: [boolean, string][] = [
        [root.getAttribute('ver') === ESIGN_API_VERSION, 'ver'],
        [root.getAttribute('sc') === 'Y', 'sc'],
        [root.getAttribute('AuthMode') === '1', 'AuthMode'],
        [root.getAttribute('responseSigType') === 'pkcs7', 'responseSigType'],
        [/^https?:\/\//.test(root.getAttribute('responseUrl') ?? ''), 'responseUrl'],
        [!!root.getAttribute('txn'), 'txn'],
        [form.get('aspTxnId') === root.getAttribute('txn'), 'aspTxnId'],
        [input?.getAttribute('hashAlgorithm') === 'SHA256' && /^[0-9a-f]{64}$/.test(input?.textContent ?? ''), 'InputHash'],
        [!!input?.getAttribute('docInfo'), 'docInfo']
      ];
      const failed = checks.find(([ok]) => !ok);
      if (failed) return send(400, `ESP: invalid request (${failed[1]}).`);
      const s: Session = { id: randomUUID(), txn: root.getAttribute('txn')!, aspId: aspIdClaimed, digestHex: input!.textContent, docInfo: input!.getAttribute('docInfo')!, responseUrl: root.getAttribute('responseUrl')!, tries: 0 };
      sessions.set(s.id, s);
      mock.requests.push({ txn: s.txn, aspId: s.aspId, digestHex: s.digestHex, docInfo: s.docInfo });
      mock.sentOtps.push(mock.otp);
      return send(200, page(s));
    }
    if (req.method === 'POST' && req.url === '/esign/2.1/otp') {
      const form = new URLSearchParams(await readBody(req));
      const s = sessions.get(form.get('session') ?? '');
      if (!s) return send(400, 'ESP: unknown or finished session.');
      if (form.get('action') === 'cancel') {
        sessions.delete(s.id);
        return send(200, postBack(s, await respond({ txn: s.txn, digestHex: s.digestHex, name: '', status: '0', errCode: 'ESP-USER-CANCELLED', errMsg: 'Cancelled by the signer', tamper: null })));
      }
      const name = mock.residents.get(form.get('aadhaar') ?? '');
      if (!name || form.get('otp') !== mock.otp || form.get('consent') !== 'Y') {
        if (++s.tries >= 3) {
          sessions.delete(s.id);
          return send(200, postBack(s, await respond({ txn: s.txn, digestHex: s.digestHex, name: '', status: '0', errCode: 'ESP-OTP-FAILED', errMsg: 'OTP validation failed', tamper: null })));
        }
        return send(200, page(s, !name ? 'Unknown Aadhaar number.' : form.get('consent') !== 'Y' ? 'Please give your consent.' : 'Wrong OTP. Try again.'));
      }
      sessions.delete(s.id);
      return send(200, postBack(s, await respond({ txn: s.txn, digestHex: s.digestHex, name })));
    }
    send(404, 'not found');
  });
  return Object.assign(mock, server, {
    signUrl: `${server.url}/esign/2.1/signdoc`,
    espCertPath: files.espCert,
    caPath: files.ca,
    caPem: ca.certPem,
    asp: { id: aspId, keyPath: files.aspKey, certPath: files.aspCert, keyPem: aspKeys.privateKey, certPem: aspCertPem },
    residents: new Map(Object.entries(opts.residents ?? {})),
    otp: opts.otp ?? String(100000 + (randomBytes(3).readUIntBE(0, 3) % 900000)),
    sentOtps: [],
    requests: [],
    tamper: null,
    respond,
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
