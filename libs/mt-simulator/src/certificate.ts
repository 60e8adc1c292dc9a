import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface SimulatorCertificate {
  certPem: string;
  keyPem: string;
  /** SHA-256 fingerprint ("AB:CD:...") for pinning. */
  fingerprint256: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost, as MT access servers commonly present. */
export async function generateSimulatorCertificate(): Promise<SimulatorCertificate> {
  const pems = await generate([{ name: 'commonName', value: 'mt5-simulator.tradewarden.local' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 5 * 365 * 86400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private, fingerprint256: new X509Certificate(pems.cert).fingerprint256 };
}

/** Loads the certificate kept in dir, or makes one and keeps it there (cert.pem, key.pem with mode 0600). */
export async function loadOrCreateSimulatorCertificate(dir: string): Promise<SimulatorCertificate> {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const certPem = readFileSync(certFile, 'utf8');
    return { certPem, keyPem: readFileSync(keyFile, 'utf8'), fingerprint256: new X509Certificate(certPem).fingerprint256 };
  }
  const certificate = await generateSimulatorCertificate();
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyFile, certificate.keyPem, { mode: 0o600 });
  writeFileSync(certFile, certificate.certPem);
  return certificate;
}
