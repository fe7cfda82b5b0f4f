// Fixtures of the session tests: one PKI per process, a controllable clock, in-process services and clients.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BootstrapMode } from '../../src/wssc/bootstrap.js';
import { SecureSessionClient, type SecureSessionClientOptions } from '../../src/wssc/session-client.js';
import { SecureSessionService, type SecureSessionServiceOptions } from '../../src/wssc/session-service.js';
import { inProcessTransport } from '../../src/wssc/session-transport.js';
import { makePki, type Pki } from './bootstrap-fixtures.js';

let pki: Pki | undefined;
/** RSA-2048 CA, two clients issued by it, a self-signed service and an unrelated certificate (made once). */
export function testPki(): Pki {
  pki ??= makePki();
  return pki;
}

/** The PKI as PEM files in a temp dir (for the CLI). */
export function pkiFiles(): Record<'ca' | 'clientCert' | 'clientKey' | 'serviceCert' | 'serviceKey' | 'unrelatedCert' | 'unrelatedKey' | 'dir', string> {
  const p = testPki();
  const dir = mkdtempSync(join(tmpdir(), 'wssc-session-'));
  const w = (name: string, data: string): string => {
    const f = join(dir, name);
    writeFileSync(f, data);
    return f;
  };
  return {
    dir,
    ca: w('ca.pem', p.ca.certificate),
    clientCert: w('client.pem', p.client.certificate),
    clientKey: w('client.key', p.client.privateKey),
    serviceCert: w('service.pem', p.service.certificate),
    serviceKey: w('service.key', p.service.privateKey),
    unrelatedCert: w('unrelated.pem', p.unrelated.certificate),
    unrelatedKey: w('unrelated.key', p.unrelated.privateKey),
  };
}

/** A clock tests move by hand. */
export class TestClock {
  now: number;
  constructor(start = Date.now()) {
    this.now = start;
  }
  readonly date = (): Date => new Date(this.now);
  advance(ms: number): void {
    this.now += ms;
  }
}

export function newService(options: Partial<SecureSessionServiceOptions> = {}): SecureSessionService {
  const p = testPki();
  return new SecureSessionService({ bootstrap: { service: p.service, trust: { ca: [p.ca.certificate] } }, ...options });
}

export function establish(service: SecureSessionService, options: Partial<SecureSessionClientOptions> & { bootstrapMode?: BootstrapMode } = {}): Promise<SecureSessionClient> {
  const p = testPki();
  const mode = options.bootstrapMode ?? 'mutual-certificate';
  return SecureSessionClient.establish({
    transport: inProcessTransport(service),
    bootstrap: { mode, serviceCertificate: p.service.certificate, ...(mode === 'mutual-certificate' ? { client: p.client } : {}) },
    ...options,
  });
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
export const ECHO = 'http://tempuri.org/IEchoService/EchoString';
