// An RFC 3161 time-stamping authority over HTTP (RFC 3161 §3.4: POST application/timestamp-query, answer
// application/timestamp-reply), answered by OpenSSL's own `ts -reply` with a TSA certificate of its own CA — the
// part a district buys from a licensed TSA. Nothing in it is ours: the reply is exactly what OpenSSL makes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, type MockServer } from './http.ts';

const OPENSSL = '/usr/bin/openssl';

export interface TsaMock extends MockServer {
  /** The TSA's root, which a verifier must trust (TSA_TRUSTED_CA_PEM). */
  caPemPath: string;
  caPem: string;
  requests: number;
  /** Answer with status 2 (rejection) instead, as a TSA does when it is out of service. */
  reject: boolean;
  close(): Promise<void>;
}

export async function startTsaMock(): Promise<TsaMock> {
  const dir = mkdtempSync(join(tmpdir(), 'orc-tsa-'));
  const run = (...args: string[]) => execFileSync(OPENSSL, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(
    join(dir, 'tsa.cnf'),
    [
      '[ req ]',
      'distinguished_name = dn',
      '[ dn ]',
      '[ ca_ext ]',
      'basicConstraints = critical, CA:true',
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
      '[ tsa_ext ]',
      'basicConstraints = critical, CA:false',
      'keyUsage = critical, digitalSignature, nonRepudiation',
      'extendedKeyUsage = critical, timeStamping',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `dir = ${dir}`,
      'serial = $dir/serial',
      'signer_cert = $dir/tsa.pem',
      'certs = $dir/ca.pem',
      'signer_key = $dir/tsa.key',
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.99999.1',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ordering = yes',
      'tsa_name = no',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      ''
    ].join('\n')
  );
  writeFileSync(join(dir, 'serial'), '01\n');
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', '/C=IN/O=Test TSA Root/CN=Test TSA Root CA', '-config', 'tsa.cnf', '-extensions', 'ca_ext');
  // Backdated like the development CA: tests sign at a fixed clock in the past.
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', '/C=IN/O=Test TSA/CN=Test Time-Stamping Authority', '-config', 'tsa.cnf');
  run('x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tsa.pem', '-days', '3650', '-extfile', 'tsa.cnf', '-extensions', 'tsa_ext');
  const caPem = readFileSync(join(dir, 'ca.pem'), 'utf8');

  let n = 0;
  const mock = {} as TsaMock;
  const server = await listen(async (req, res) => {
    if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') return void res.writeHead(415).end();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    mock.requests++;
    const query = join(dir, `q${++n}.tsq`);
    writeFileSync(query, Buffer.concat(chunks));
    if (mock.reject) {
      // TimeStampResp { status PKIStatusInfo { status rejection(2) } }, no token.
      return void res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(Buffer.from('3005300302010' + '2', 'hex'));
    }
    try {
      const reply = execFileSync(OPENSSL, ['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', query, '-out', '-'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(reply);
    } catch (err) {
      res.writeHead(400).end(String((err as { stderr?: Buffer }).stderr ?? err));
    }
  });
  return Object.assign(mock, server, {
    url: `${server.url}/tsa`,
    caPemPath: join(dir, 'ca.pem'),
    caPem,
    requests: 0,
    reject: false,
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
