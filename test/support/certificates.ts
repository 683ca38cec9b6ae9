// Certificates for tests of TLS to outside services (a PostgreSQL, an S3 endpoint) signed by a CA of the test's own,
// as a state data centre's are, made with the openssl command (P-256 keys: quick to make).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const openssl = (...args: string[]) => promisify(execFile)('openssl', args);
const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A self-signed CA in `dir` (`<name>.pem`, `<name>.key`); returns the certificate's path. */
export async function authority(dir: string, name: string): Promise<string> {
  await openssl('req', '-x509', ...newKey, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`), '-days', '2', '-subj', `/CN=${name}`);
  return join(dir, `${name}.pem`);
}

/** A key and a certificate for `subjectAltName` (`IP:127.0.0.1`, `DNS:db.example`) that the CA `ca` (made by authority()) signs. */
export async function issue(dir: string, name: string, ca: string, subjectAltName: string): Promise<{ cert: string; key: string }> {
  const [key, csr, cert] = ['key', 'csr', 'pem'].map((ext) => join(dir, `${name}.${ext}`)) as [string, string, string];
  await openssl('req', '-new', ...newKey, '-keyout', key, '-out', csr, '-subj', `/CN=${name}`, '-addext', `subjectAltName=${subjectAltName}`);
  await openssl('x509', '-req', '-in', csr, '-CA', join(dir, `${ca}.pem`), '-CAkey', join(dir, `${ca}.key`), '-set_serial', String(Date.now()), '-days', '2', '-copy_extensions', 'copy', '-out', cert);
  return { cert, key };
}
