// Makes the MT simulator's self-signed TLS certificate before the simulator starts, naming the host names other
// containers dial it by (SIMULATOR_TLS_HOSTNAMES, comma-separated, e.g. "mt-simulator"), besides localhost and
// 127.0.0.1. The simulator would make one itself on first start, but for 127.0.0.1 and localhost only, which a
// gateway in another container cannot verify. Writes cert.pem and key.pem (0600) into SIMULATOR_TLS_DIR, where
// the simulator loads them; does nothing if they exist. Demo and staging only: real MT servers have their own.
//   docker run --rm --entrypoint node -e SIMULATOR_TLS_DIR=/tls -e SIMULATOR_TLS_HOSTNAMES=mt-simulator \
//     -v sim-tls:/tls tradewarden /app/simulator-certificate.js
'use strict';
const { X509Certificate } = require('node:crypto');
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { isIP } = require('node:net');
const { join } = require('node:path');
const { generate } = require('selfsigned');

async function main() {
  const dir = process.env.SIMULATOR_TLS_DIR;
  if (!dir) throw new Error('SIMULATOR_TLS_DIR is not set');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    console.log(`simulator certificate: kept ${certFile}`);
    return;
  }
  const names = ['localhost', '127.0.0.1', ...(process.env.SIMULATOR_TLS_HOSTNAMES ?? '').split(',')]
    .map((name) => name.trim())
    .filter((name, index, all) => name && all.indexOf(name) === index);
  const altNames = names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name }));
  // The same shape as libs/mt-simulator/src/certificate.ts (a self-signed CA certificate the client trusts directly).
  const pems = await generate([{ name: 'commonName', value: 'mt5-simulator.tradewarden.local' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 5 * 365 * 86400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert);
  const fingerprint = new X509Certificate(pems.cert).fingerprint256;
  console.log(`simulator certificate: made ${certFile} for ${names.join(', ')} (SHA-256 ${fingerprint})`);
}

main().catch((error) => {
  console.error(`simulator certificate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
