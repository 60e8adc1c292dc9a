import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { MtAuthenticationError, MtTransportError } from '../mt5/mt5-errors';
import { sameFingerprint } from '../pool/certificate-fingerprint';

export interface BridgeTls {
  /** PEM of the CA (or the self-signed certificate) the bridge's certificate must chain to. */
  caPem?: string;
  /** SHA-256 fingerprint of the bridge's own certificate, for self-signed bridges. */
  pinnedSha256?: string;
}

/**
 * Channel credentials for a manager bridge at host:port. A pinned bridge is asked for its certificate first; only if it
 * has the pinned fingerprint does that certificate become the one trusted root of the channel, so a bridge presenting
 * any other certificate later fails the TLS handshake. (grpc-js checks identity only after chain verification, so a
 * pin cannot be enforced through checkServerIdentity alone.)
 */
export async function bridgeCredentials(address: string, tls: BridgeTls, timeoutMs: number): Promise<ChannelCredentials> {
  if (tls.caPem) return credentials.createSsl(Buffer.from(tls.caPem));
  if (!tls.pinnedSha256) return credentials.createSsl();
  const presented = await presentedCertificate(address, timeoutMs);
  if (!sameFingerprint(presented.fingerprint256, tls.pinnedSha256)) {
    throw new MtAuthenticationError(`bridge ${address} presents certificate ${presented.fingerprint256}, not the pinned one`);
  }
  // The pin identifies the bridge; its certificate need not name the address it is reached at.
  return credentials.createSsl(Buffer.from(presented.toString()), null, null, { checkServerIdentity: () => undefined });
}

function presentedCertificate(address: string, timeoutMs: number): Promise<X509Certificate> {
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator);
  const port = Number(address.slice(separator + 1));
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, rejectUnauthorized: false, ALPNProtocols: ['h2'], timeout: timeoutMs }, () => {
      const raw = socket.getPeerCertificate(false).raw;
      socket.end();
      if (!raw) reject(new MtAuthenticationError(`bridge ${address} presented no certificate`));
      else resolve(new X509Certificate(raw));
    });
    socket.once('timeout', () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)));
    socket.once('error', (error) => reject(new MtTransportError(`bridge ${address}`, error)));
  });
}
