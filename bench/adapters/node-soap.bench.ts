// node-soap's per-message security cost (its ISecurity.postProcess on the envelope string it built): node-soap's own WSSecurityCert (X.509
// signature per message, what users have today) vs wssc's session adapter vs wssc's X.509 per-message adapter, each output checked first.
import { WSSecurityCert } from 'soap';
import { nodeSoapSecurity, nodeSoapX509Security } from '../../src/adapters/index.js';
import { initSync } from '../../src/crypto/index.js';
import { openBootstrapRequest, type BootstrapServiceOptions } from '../../src/wssc/bootstrap.js';
import { SecureSessionClient } from '../../src/wssc/session-client.js';
import { SecureSessionService } from '../../src/wssc/session-service.js';
import { inProcessTransport } from '../../src/wssc/session-transport.js';
import { makePki, type Pki } from '../../test/wssc/bootstrap-fixtures.js';
import { soapMessage } from '../c14n/soap-message.js';
import { compare, formatSize, type BenchOptions, type Row } from '../harness.js';

const ACTION = 'http://tempuri.org/IOrderService/Submit';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const enc = new TextEncoder();
const dec = new TextDecoder();

/** The envelope string node-soap builds (forceSoap12Headers, a security object with postProcess) around a Body of about `bytes`. */
export function nodeSoapEnvelope(bytes: number): string {
  const c14n = dec.decode(soapMessage(bytes));
  const body = c14n.slice(c14n.indexOf('<Submit'), c14n.lastIndexOf('</s:Body>'));
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP12}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"  ` +
    `xmlns:tns="http://tempuri.org/"><soap:Header></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

/** node-soap calls addHeaders with these (SOAP 1.2: the action in the Content-Type) and then postProcess. */
const headers = (): Record<string, string> => ({ 'Content-Type': `application/soap+xml; charset=utf-8; action="${ACTION}"` });

/**
 * `message/protect/<size>/node-soap-{wssecuritycert,session,x509}`: one postProcess (after addHeaders, as node-soap
 * calls them) on the same envelope string. Before timing, each output is opened by its receiver: the session
 * message by a SecureSessionService (full echo round trip), the X.509 message by openBootstrapRequest, and
 * WSSecurityCert's carries its BinarySecurityToken and signature (node-soap has no receiver for it).
 */
export async function nodeSoapBenches(opts: BenchOptions, sizes: readonly number[] = [2048], fixture?: Pki): Promise<Row[]> {
  initSync();
  const pki = fixture ?? makePki();
  const service = new SecureSessionService({ bootstrap: { service: pki.service, trust: { ca: [pki.ca.certificate] } } });
  const session = await SecureSessionClient.establish({
    transport: inProcessTransport(service), bootstrap: { mode: 'mutual-certificate', client: pki.client, serviceCertificate: pki.service.certificate },
  });
  const to = 'https://localhost:8443/OrderService.svc';
  const sessionSecurity = nodeSoapSecurity(session, { to, autoRenew: false });
  // SECURITY: a small pending cap: the bench never opens replies, so old per-request keys are wiped as it goes.
  const x509Security = nodeSoapX509Security({ to, mode: 'mutual-certificate', client: pki.client, serviceCertificate: pki.service.certificate, maxPending: 16 });
  const serviceOptions: BootstrapServiceOptions = { service: pki.service, trust: { ca: [pki.ca.certificate] }, modes: ['mutual-certificate'] };
  const certSecurity = new WSSecurityCert(pki.client.privateKey, pki.client.certificate, '');
  const rows: Row[] = [];
  try {
    for (const size of sizes) {
      const xml = nodeSoapEnvelope(size);
      const label = formatSize(size);
      const post = (security: { addHeaders?(h: Record<string, string>): void; postProcess(x: string, k: string): string }) => (): string => {
        security.addHeaders?.(headers());
        return security.postProcess(xml, 'soap');
      };
      const impls = { 'node-soap-wssecuritycert': post(certSecurity), 'node-soap-session': post(sessionSecurity), 'node-soap-x509': post(x509Security) };
      // Checked before timing: each receiver accepts what its sender made and gets the Body back.
      const marker = '</order></Submit>';
      const wcs = impls['node-soap-wssecuritycert']();
      if (!/BinarySecurityToken[\s\S]*SignatureValue/.test(wcs) || !wcs.includes(marker)) throw new Error(`bench node-soap ${label}: WSSecurityCert output unexpected; not timing`);
      const sessionOut = impls['node-soap-session']();
      const res = await service.handle(enc.encode(sessionOut), { 'content-type': headers()['Content-Type']! });
      if (res.status !== 200 || !dec.decode(session.openReply(res.body).body).includes(marker)) throw new Error(`bench node-soap ${label}: the session message does not round-trip; not timing`);
      if (!dec.decode(openBootstrapRequest(enc.encode(impls['node-soap-x509']()), serviceOptions).envelope).includes(marker)) {
        throw new Error(`bench node-soap ${label}: the X.509 message does not open; not timing`);
      }
      rows.push(...await compare({
        suite: 'message', operation: 'protect', size: label, bytes: enc.encode(xml).length, impls,
        // Different protections by design: each was opened above; here only that each produced an envelope.
        same: (a, b) => typeof a === 'string' && typeof b === 'string' && a.endsWith('Envelope>') && b.endsWith('Envelope>'),
      }, opts));
    }
  } finally {
    x509Security.destroy();
    session.destroy();
    service.destroy();
  }
  return rows;
}
