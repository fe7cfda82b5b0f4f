// Fixtures of the X.509 bootstrap tests: a small PKI made with openssl in a temp dir, and RST/RSTR envelopes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SOAP12_NAMESPACE, addAddressing } from '../../src/soap/index.js';
import { buildIssueRequest, buildIssueResponse, type WsscVersion } from '../../src/wssc/index.js';

export interface Pair {
  certificate: string;
  privateKey: string;
}

export interface Pki {
  ca: Pair;
  /** Signed by `ca`, valid for one day. */
  client: Pair;
  /** Also signed by `ca` (trusted, but not the one that signs). */
  client2: Pair;
  /** Self-signed, used by the service. */
  service: Pair;
  /** Self-signed, unrelated to everything else. */
  unrelated: Pair;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** Generates the PKI once per process (RSA-2048 keys). */
export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'wssc-bootstrap-'));
  try {
    const read = (name: string): Pair => ({ certificate: readFileSync(join(dir, `${name}.pem`), 'utf8'), privateKey: readFileSync(join(dir, `${name}.key`), 'utf8') });
    const selfSigned = (name: string, ca: boolean): void => openssl(dir, [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-days', '2', '-keyout', `${name}.key`, '-out', `${name}.pem`,
      '-addext', ca ? 'basicConstraints=critical,CA:TRUE' : 'basicConstraints=critical,CA:FALSE',
      ...(ca ? ['-addext', 'keyUsage=critical,keyCertSign,cRLSign'] : []),
    ]);
    const issued = (name: string, serial: string): void => {
      openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`]);
      writeFileSync(join(dir, `${name}.ext`), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n');
      openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', serial, '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
    };
    selfSigned('ca', true);
    issued('client', '1001');
    issued('client2', '1002');
    selfSigned('service', false);
    selfSigned('unrelated', false);
    return { ca: read('ca'), client: read('client'), client2: read('client2'), service: read('service'), unrelated: read('unrelated') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** An RST/SCT in a SOAP 1.2 envelope with WS-Addressing (Action RST/SCT, MessageID, ReplyTo, To). */
export function rstEnvelope(version: WsscVersion, entropy = new Uint8Array(32).fill(7)): Uint8Array {
  const body = text(buildIssueRequest({ version, entropy, entropyId: 'uuid-entropy-1', keySize: 256 }));
  const plain = utf8(`<s:Envelope xmlns:s="${SOAP12_NAMESPACE}"><s:Body>${body}</s:Body></s:Envelope>`);
  return addAddressing(plain, {
    action: version.actions.issue, messageId: 'urn:uuid:5d1c2b40-0000-4000-8000-000000000001',
    replyTo: 'http://www.w3.org/2005/08/addressing/anonymous', to: 'https://localhost/service.svc',
  });
}

/** An RSTR/SCT (an RSTRC for 1.3) in a SOAP 1.2 envelope with Action RSTR/SCT and RelatesTo. */
export function rstrEnvelope(version: WsscVersion): Uint8Array {
  const body = text(buildIssueResponse({
    version,
    token: { version, id: 'uuid-sct-1', identifier: 'urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08' },
    proof: { kind: 'computedKey' },
    entropy: new Uint8Array(32).fill(9),
    entropyId: 'uuid-entropy-2',
    lifetime: { created: new Date('2026-01-01T00:00:00Z'), expires: new Date('2026-01-01T15:00:00Z') },
    keySize: 256,
  }));
  const plain = utf8(`<s:Envelope xmlns:s="${SOAP12_NAMESPACE}"><s:Body>${body}</s:Body></s:Envelope>`);
  return addAddressing(plain, { action: version.actions.issueResponse, relatesTo: 'urn:uuid:5d1c2b40-0000-4000-8000-000000000001' });
}
