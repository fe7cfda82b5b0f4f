// The X.509 per-message baseline (WSS 1.1 MutualCertificate, protocol.md §4.1/§5.3): RSA-2048 signature + RSA-OAEP key transport + AES per message.
import { soapMessage } from '../c14n/soap-message.js';
import { rsaFixture, type RsaFixture } from '../dsig/sign-verify.bench.js';
import { compare, formatSize, type BenchOptions, type Row } from '../harness.js';
import {
  openBootstrapRequest, protectBootstrapRequest, type BootstrapClientOptions, type BootstrapServiceOptions,
} from '../../src/wssc/bootstrap.js';

export const X509_SIZES = [2 * 1024, 64 * 1024];

/** The c14n bench message (SOAP 1.2, WS-A Action/MessageID/To, Body of about `bytes`) without its Security header. */
export function x509Message(bytes: number): Uint8Array {
  const s = new TextDecoder().decode(soapMessage(bytes)).replace(/<o:Security[\s\S]*?<\/o:Security>/, '');
  return new TextEncoder().encode(s);
}

/**
 * Per-message protect (client: fresh key wrapped for the service, DKTs, HMAC signature, endorsing RSA-SHA1 by the
 * client certificate, AES-256-CBC of Body and signature) and open (service: unwrap, decrypt, verify both signatures,
 * check the pinned client certificate) at 2 KiB and 64 KiB. Fair baseline: both key pairs parsed once (KeyObjects,
 * and the options objects reused so that the certificates are parsed once too); the same XML pipeline as sessions.
 */
export async function x509Benches(opts: BenchOptions, fixtures?: { client: RsaFixture; service: RsaFixture }, sizes: readonly number[] = X509_SIZES): Promise<Row[]> {
  const client = fixtures?.client ?? rsaFixture();
  const service = fixtures?.service ?? rsaFixture();
  const now = new Date();
  const clientOptions: BootstrapClientOptions = {
    mode: 'mutual-certificate', client: { certificate: client.certificate, privateKey: client.privateKey },
    serviceCertificate: service.certificate, clock: () => now,
  };
  const serviceOptions: BootstrapServiceOptions = {
    service: { certificate: service.certificate, privateKey: service.privateKey }, trust: { pinned: [client.certificate] },
    modes: ['mutual-certificate'], clock: () => now,
  };
  const rows: Row[] = [];
  for (const size of sizes) {
    const envelope = x509Message(size);
    const label = formatSize(size);
    // Checked before timing: what protect makes, open accepts, and gives back the plaintext Body.
    const opened = (bytes: Uint8Array): Uint8Array => openBootstrapRequest(bytes, serviceOptions).envelope;
    const check = (out: unknown): boolean => new TextDecoder().decode(opened(out as Uint8Array)).includes('</Submit></s:Body>');
    const protectedOnce = protectBootstrapRequest(envelope, clientOptions).message;
    if (!check(protectedOnce)) throw new Error(`bench x509 ${label}: the protected message does not open; not timing`);
    rows.push(...(await compare({
      suite: 'message', operation: 'protect', size: label, bytes: envelope.length,
      impls: { x509: () => protectBootstrapRequest(envelope, clientOptions).message },
      same: (a, b) => check(a) && check(b),
    }, opts)));
    rows.push(...(await compare({
      suite: 'message', operation: 'unprotect', size: label, bytes: envelope.length,
      impls: { x509: () => opened(protectedOnce) },
    }, opts)));
  }
  return rows;
}
