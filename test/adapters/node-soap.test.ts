// node-soap through the wssc adapters: against `wssc serve` (secure session) and an in-test X.509 per-message service; tampered, replayed and faulted replies surface typed.
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createClientAsync, HttpClient, type Client } from 'soap';
import {
  nodeSoapHttpClient, nodeSoapSecurity, nodeSoapX509HttpClient, nodeSoapX509Security, type NodeSoapHttpClientLike,
} from '../../src/adapters/index.js';
import { initSync } from '../../src/crypto/index.js';
import { AdapterError, DecryptionError, SessionError, SignatureError, WsSecurityError } from '../../src/errors.js';
import { readAddressing } from '../../src/soap/addressing.js';
import { securityFault } from '../../src/soap/fault.js';
import { openBootstrapRequest, protectBootstrapResponse, type BootstrapServiceOptions } from '../../src/wssc/bootstrap.js';
import { SecureSessionClient } from '../../src/wssc/session-client.js';
import { buildEnvelope, readEnvelope } from '../../src/wssc/session-envelope.js';
import { WSSC_FEB2005 } from '../../src/wssc/versions.js';
import { wsscServe, type ServeProcess } from '../helpers/wssc-cli.js';
import { pkiFiles, testPki } from '../wssc/session-helpers.js';

initSync();
const files = pkiFiles();
const pki = testPki();
const ACTION = 'http://tempuri.org/IEchoService/EchoString';
const enc = new TextEncoder();

/** A WCF-style SOAP 1.2 WSDL: EchoString in, EchoString out (what `wssc serve` echoes back). */
const wsdl = (location: string): string => `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions name="EchoService" targetNamespace="http://tempuri.org/" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
  xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:tns="http://tempuri.org/" xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:wsaw="http://www.w3.org/2006/05/addressing/wsdl">
  <wsdl:types><xs:schema elementFormDefault="qualified" targetNamespace="http://tempuri.org/">
    <xs:element name="EchoString"><xs:complexType><xs:sequence><xs:element minOccurs="0" name="echo" type="xs:string"/></xs:sequence></xs:complexType></xs:element>
  </xs:schema></wsdl:types>
  <wsdl:message name="IEchoService_EchoString_InputMessage"><wsdl:part name="parameters" element="tns:EchoString"/></wsdl:message>
  <wsdl:message name="IEchoService_EchoString_OutputMessage"><wsdl:part name="parameters" element="tns:EchoString"/></wsdl:message>
  <wsdl:portType name="IEchoService"><wsdl:operation name="EchoString">
    <wsdl:input wsaw:Action="${ACTION}" message="tns:IEchoService_EchoString_InputMessage"/>
    <wsdl:output wsaw:Action="${ACTION}Response" message="tns:IEchoService_EchoString_OutputMessage"/>
  </wsdl:operation></wsdl:portType>
  <wsdl:binding name="WSHttpBinding_IEchoService" type="tns:IEchoService"><soap12:binding transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="EchoString"><soap12:operation soapAction="${ACTION}" style="document"/>
      <wsdl:input><soap12:body use="literal"/></wsdl:input><wsdl:output><soap12:body use="literal"/></wsdl:output>
    </wsdl:operation></wsdl:binding>
  <wsdl:service name="EchoService"><wsdl:port name="WSHttpBinding_IEchoService" binding="tns:WSHttpBinding_IEchoService">
    <soap12:address location="${location}"/></wsdl:port></wsdl:service>
</wsdl:definitions>`;

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});

function listen(server: HttpServer): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      closers.push(() => new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }));
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    });
  });
}

/** The WSDL for `location`, served by the test. */
async function serveWsdl(location: string): Promise<string> {
  return `${await listen(createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(wsdl(location))))}EchoService.svc?wsdl`;
}

/** `wssc serve` on a free loopback port (MutualCertificate, Feb 2005), its log collected, stopped after the file. */
async function serve(): Promise<ServeProcess> {
  const s = await wsscServe(['--port', '0', '--cert-file', files.serviceCert, '--private-key-file', files.serviceKey, '--client-ca-file', files.ca]);
  closers.push(s.stop);
  return s;
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 100));
const linesWith = (log: string[], s: string): string[] => log.filter((l) => l.includes(s));

/** An HTTP client that changes each reply with `edit` before the adapter opens it. */
function editingClient(edit: (reply: string) => string): NodeSoapHttpClientLike {
  const inner = new HttpClient();
  return {
    request(rurl, data, callback, exheaders, exoptions) {
      return inner.request(rurl, data, (err, res, body) => {
        if (err || data === null || typeof body !== 'string') return callback(err, res, body);
        const changed = edit(body);
        callback(null, { ...res, data: changed }, changed);
      }, exheaders as Record<string, string>, exoptions);
    },
  };
}

/** Flips one character inside the first CipherValue after `marker` (base64: another valid character). */
function flipCipher(reply: string, marker = '<s:Body'): string {
  const body = reply.indexOf(marker);
  const start = reply.indexOf('CipherValue>', body) + 'CipherValue>'.length + 40;
  return reply.slice(0, start) + (reply[start] === 'A' ? 'B' : 'A') + reply.slice(start + 1);
}

/** Changes a digit of the (signed, cleartext) Timestamp Created. */
function touchTimestamp(reply: string): string {
  return reply.replace(/(<u:Created>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d)(\d)/, (_m, a: string, d: string) => `${a}${d === '9' ? '8' : '9'}`);
}

async function rejectsWith(p: Promise<unknown>, check: (err: unknown) => boolean, what: string): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    assert.ok(check(err), `${what}: got ${(err as Error)?.constructor?.name} ${(err as { code?: string }).code ?? ''} ${(err as Error)?.message}`);
    return err;
  }
  assert.fail(`${what}: no error`);
}

describe('node-soap over a secure session (wssc serve)', () => {
  let server: ServeProcess;
  let wsdlUrl: string;
  const establish = (url = server.url): Promise<SecureSessionClient> =>
    SecureSessionClient.establish({ url, bootstrap: { mode: 'mutual-certificate', client: pki.client, serviceCertificate: pki.service.certificate } });

  before(async () => {
    server = await serve();
    wsdlUrl = await serveWsdl(server.url);
  });

  it('100 calls on one session (one issuance), renew and cancel through the adapter; replies verified, decrypted and parsed', async () => {
    const session = await establish();
    const security = nodeSoapSecurity(session, { to: server.url });
    const client: Client = await createClientAsync(wsdlUrl, { httpClient: nodeSoapHttpClient(session), forceSoap12Headers: true });
    client.setSecurity(security);
    const sent: string[] = [];
    const wire: string[] = [];
    client.on('request', (xml: string) => wire.push(xml));
    for (let i = 0; i < 100; i++) {
      const echo = `call ${i}: héllo & <x> "€"`;
      sent.push(echo);
      const [result] = await client.EchoStringAsync({ echo });
      assert.deepEqual(result, { echo }, `call ${i}`);
    }
    // What went on the wire was protected: encrypted Body, no plaintext.
    assert.equal(wire.length, 100);
    for (const w of wire) {
      assert.ok(!w.includes('héllo'));
      assert.match(w, /EncryptedData/);
      assert.equal(readAddressing(enc.encode(w)).values.action, ACTION);
    }
    await security.renew();
    const [renewed] = await client.EchoStringAsync({ echo: 'after renew' });
    assert.deepEqual(renewed, { echo: 'after renew' });
    await security.cancel();
    await rejectsWith(client.EchoStringAsync({ echo: 'after cancel' }), (e) => e instanceof SessionError && e.code === 'SESSION_CLOSED', 'a call after cancel');
    await settle();
    const issue = linesWith(server.log, `POST ${WSSC_FEB2005.actions.issue} 200 `);
    assert.equal(issue.length, 1, server.log.join('\n'));
    const id = issue[0]!.split(' ')[3]!;
    assert.equal(linesWith(server.log, `POST ${ACTION} 200 ${id} `).length, 101, 'every echo on the one session');
    assert.equal(linesWith(server.log, `POST ${WSSC_FEB2005.actions.renew} 200 ${id} `).length, 1);
    assert.equal(linesWith(server.log, `POST ${WSSC_FEB2005.actions.cancel} 200 ${id} `).length, 1);
  });

  it("node-soap's own HttpClient (axios) as the sender, with stream: true (no requestStream: nothing unverified is parsed)", async () => {
    const session = await establish();
    const httpClient = nodeSoapHttpClient(session, { httpClient: new HttpClient() });
    assert.equal('requestStream' in httpClient, false);
    const client = await createClientAsync(wsdlUrl, { httpClient, forceSoap12Headers: true, stream: true });
    client.setSecurity(nodeSoapSecurity(session, { to: server.url }));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => client.EchoStringAsync({ echo: `parallel ${i}` })));
    assert.deepEqual(results.map((r) => r[0]), Array.from({ length: 10 }, (_, i) => ({ echo: `parallel ${i}` })));
    await session.cancel();
  });

  it('a tampered reply surfaces as the typed error in the promise and the callback', async () => {
    const session = await establish();
    const security = nodeSoapSecurity(session, { to: server.url });
    const client = await createClientAsync(wsdlUrl, { httpClient: nodeSoapHttpClient(session, { httpClient: editingClient((r) => flipCipher(r)) }), forceSoap12Headers: true });
    client.setSecurity(security);
    await rejectsWith(client.EchoStringAsync({ echo: 'x' }), (e) => e instanceof DecryptionError || e instanceof SignatureError, 'a changed ciphertext byte');
    const signed = await createClientAsync(wsdlUrl, { httpClient: nodeSoapHttpClient(session, { httpClient: editingClient(touchTimestamp) }), forceSoap12Headers: true });
    signed.setSecurity(security);
    const err = await new Promise<unknown>((resolve) => signed.EchoString({ echo: 'y' }, (e: unknown) => resolve(e)));
    assert.ok(err instanceof SignatureError, String(err));
    // The session itself is intact: an untampered call still works.
    const plain = await createClientAsync(wsdlUrl, { httpClient: nodeSoapHttpClient(session), forceSoap12Headers: true });
    plain.setSecurity(security);
    assert.deepEqual((await plain.EchoStringAsync({ echo: 'ok' }))[0], { echo: 'ok' });
    await security.cancel();
  });

  it('a replayed reply, a fault (a service that does not know the token) and a missing action are typed errors', async () => {
    const session = await establish();
    const security = nodeSoapSecurity(session, { to: server.url });
    let first: string | undefined;
    const replaying = editingClient((r) => (first ??= r));
    const client = await createClientAsync(wsdlUrl, { httpClient: nodeSoapHttpClient(session, { httpClient: replaying }), forceSoap12Headers: true });
    client.setSecurity(security);
    assert.deepEqual((await client.EchoStringAsync({ echo: 'one' }))[0], { echo: 'one' });
    await rejectsWith(client.EchoStringAsync({ echo: 'two' }), (e) => e instanceof SessionError && (e.code === 'REPLAY' || e.code === 'REPLY_MISMATCH'), 'a replayed reply');

    const other = await serve();
    const elsewhere = await createClientAsync(wsdlUrl, { httpClient: nodeSoapHttpClient(session), forceSoap12Headers: true, endpoint: other.url });
    elsewhere.setSecurity(security);
    await rejectsWith(elsewhere.EchoStringAsync({ echo: 'z' }), (e) => e instanceof SessionError && e.code === 'BAD_CONTEXT_TOKEN', 'an unknown token');

    const noAction = nodeSoapSecurity(session, { to: server.url });
    assert.throws(() => noAction.postProcess(`<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body/></soap:Envelope>`, 'soap'), (e: unknown) => e instanceof AdapterError && e.code === 'ACTION_UNKNOWN');
    await security.cancel();
  });

  /** The session's methods on a plain object (no endpoint getter). */
  function sessionLike(session: Awaited<ReturnType<typeof establish>>) {
    return {
      protectRequest: (b: Uint8Array) => session.protectRequest(b), openReply: session.openReply.bind(session),
      renew: () => session.renew(), cancel: () => session.cancel(), destroy: () => session.destroy(),
    };
  }

  it('postProcess adds what WCF needs and keeps what is there; toXML() is side-effect free; `to` is required without a session endpoint', async () => {
    const session = await establish();
    // The session knows its endpoint, so `to` defaults to it; an object without one needs `to`.
    assert.equal(typeof session.endpoint, 'string');
    nodeSoapSecurity(session);
    const { endpoint: _omitted, ...noEndpoint } = { ...sessionLike(session), endpoint: undefined };
    assert.throws(() => nodeSoapSecurity(noEndpoint), (e: unknown) => e instanceof AdapterError && e.code === 'ENDPOINT_UNKNOWN');
    const seen: Uint8Array[] = [];
    const spy = {
      protectRequest: (b: Uint8Array) => (seen.push(b), b), openReply: session.openReply.bind(session),
      renew: () => session.renew(), cancel: () => session.cancel(), destroy: () => session.destroy(), endpoint: 'https://svc.example/Echo.svc',
    };
    const security = nodeSoapSecurity(spy);
    assert.equal(security.toXML(), '');
    assert.equal(security.toXML(), '');
    security.addHeaders({ 'Content-Type': `application/soap+xml; charset=utf-8; action="${ACTION}"` });
    const xml = '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Header></soap:Header><soap:Body><EchoString xmlns="http://tempuri.org/"/></soap:Body></soap:Envelope>';
    security.postProcess(xml, 'soap');
    const a = readAddressing(seen[0]!).values;
    assert.equal(a.action, ACTION);
    assert.equal(a.to, 'https://svc.example/Echo.svc');
    assert.equal(a.replyTo, 'http://www.w3.org/2005/08/addressing/anonymous');
    assert.match(a.messageId!, /^urn:uuid:[0-9a-f-]{36}$/);
    // SOAP 1.1 SOAPAction, and headers node-soap users added themselves are kept.
    security.addHeaders({ SOAPAction: '"urn:other"' });
    const mine = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing"><soap:Header><a:MessageID>urn:mine</a:MessageID></soap:Header><soap:Body/></soap:Envelope>';
    security.postProcess(mine, 'soap');
    const b = readAddressing(seen[1]!).values;
    assert.equal(b.action, 'urn:other');
    assert.equal(b.messageId, 'urn:mine');
    session.destroy();
  });

  it('a key due for renewal starts one background renewal from postProcess; its failure goes to onRenewError', async () => {
    let renewals = 0;
    let fail = false;
    const fake = {
      needsRenewal: true,
      protectRequest: (b: Uint8Array) => b,
      openReply: () => assert.fail('not called'),
      renew: () => (renewals++, fail ? Promise.reject(new SessionError('TRANSPORT', 'down')) : new Promise<void>((r) => setTimeout(r, 20))),
      cancel: async () => {},
      destroy: () => {},
    };
    const errors: unknown[] = [];
    const security = nodeSoapSecurity(fake, { to: 'https://svc/', onRenewError: (e) => errors.push(e) });
    const xml = '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body/></soap:Envelope>';
    for (let i = 0; i < 3; i++) {
      security.addHeaders({ SOAPAction: 'urn:a' });
      security.postProcess(xml, 'soap');
    }
    assert.equal(renewals, 1, 'one renewal in flight at a time');
    await new Promise((r) => setTimeout(r, 40));
    fail = true;
    security.addHeaders({ SOAPAction: 'urn:a' });
    security.postProcess(xml, 'soap');
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(renewals, 2);
    assert.ok(errors[0] instanceof SessionError);
    const manual = nodeSoapSecurity(fake, { to: 'https://svc/', autoRenew: false });
    manual.addHeaders({ SOAPAction: 'urn:a' });
    manual.postProcess(xml, 'soap');
    assert.equal(renewals, 2);
  });
});

describe('node-soap over X.509 per-message protection (in-test service)', () => {
  let url: string;
  let wsdlUrl: string;
  const serviceOptions: BootstrapServiceOptions = { service: pki.service, trust: { ca: [pki.ca.certificate] }, modes: ['mutual-certificate'] };
  const x509 = (): ReturnType<typeof nodeSoapX509Security> =>
    nodeSoapX509Security({ to: url, mode: 'mutual-certificate', client: pki.client, serviceCertificate: pki.service.certificate });
  let handled = 0;

  before(async () => {
    const server = createServer((req, res) => {
      if (req.method === 'GET') return void res.writeHead(200, { 'content-type': 'text/xml' }).end(wsdl(url));
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const { envelope, state } = openBootstrapRequest(new Uint8Array(Buffer.concat(chunks)), serviceOptions);
          const read = readEnvelope(envelope);
          const reply = buildEnvelope({ soap: '1.2', action: `${read.addressing.action}Response`, relatesTo: read.addressing.messageId!, body: read.body });
          handled++;
          res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8' }).end(protectBootstrapResponse(reply, state, serviceOptions));
        } catch {
          res.writeHead(500, { 'content-type': 'application/soap+xml; charset=utf-8' }).end(securityFault('1.2', 'InvalidSecurity'));
        }
      });
    });
    url = await listen(server);
    wsdlUrl = `${url}?wsdl`;
  });

  it('calls succeed: each request protected for the service certificate and endorsed, each reply opened with its own state', async () => {
    const security = x509();
    const client = await createClientAsync(wsdlUrl, { httpClient: nodeSoapX509HttpClient(security), forceSoap12Headers: true });
    client.setSecurity(security);
    const wire: string[] = [];
    client.on('request', (xml: string) => wire.push(xml));
    const before = handled;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => client.EchoStringAsync({ echo: `x509 ${i} é` })));
    assert.deepEqual(results.map((r) => r[0]), Array.from({ length: 8 }, (_, i) => ({ echo: `x509 ${i} é` })));
    assert.equal(handled - before, 8);
    for (const w of wire) {
      assert.match(w, /BinarySecurityToken/);
      assert.match(w, /EncryptedKey/);
      assert.ok(!w.includes('x509 '));
    }
    // node-soap's own HttpClient as the sender works the same.
    const viaAxios = await createClientAsync(wsdlUrl, { httpClient: nodeSoapX509HttpClient(security, { httpClient: new HttpClient() }), forceSoap12Headers: true });
    viaAxios.setSecurity(security);
    assert.deepEqual((await viaAxios.EchoStringAsync({ echo: 'axios' }))[0], { echo: 'axios' });
    security.destroy();
  });

  it('a tampered reply, a replayed reply and a fault fail typed', async () => {
    const security = x509();
    const tampered = await createClientAsync(wsdlUrl, { httpClient: nodeSoapX509HttpClient(security, { httpClient: editingClient((r) => flipCipher(r)) }), forceSoap12Headers: true });
    tampered.setSecurity(security);
    await rejectsWith(tampered.EchoStringAsync({ echo: 't' }), (e) => e instanceof DecryptionError || e instanceof SignatureError, 'a changed ciphertext byte');
    const stamped = await createClientAsync(wsdlUrl, { httpClient: nodeSoapX509HttpClient(security, { httpClient: editingClient(touchTimestamp) }), forceSoap12Headers: true });
    stamped.setSecurity(security);
    await rejectsWith(stamped.EchoStringAsync({ echo: 't' }), (e) => e instanceof SignatureError, 'a changed Timestamp');

    let first: string | undefined;
    const replay = await createClientAsync(wsdlUrl, { httpClient: nodeSoapX509HttpClient(security, { httpClient: editingClient((r) => (first ??= r)) }), forceSoap12Headers: true });
    replay.setSecurity(security);
    assert.deepEqual((await replay.EchoStringAsync({ echo: 'once' }))[0], { echo: 'once' });
    // Another request's reply: its DKTs name another key and it confirms other signatures.
    await rejectsWith(replay.EchoStringAsync({ echo: 'twice' }), (e) => e instanceof WsSecurityError && e.code === 'KEY_MISMATCH', 'a replayed reply');

    // The service refuses a request it cannot open (a client it does not trust) with a fault: a typed SessionError.
    const stranger = nodeSoapX509Security({ to: url, mode: 'mutual-certificate', client: pki.unrelated, serviceCertificate: pki.service.certificate });
    const refused = await createClientAsync(wsdlUrl, { httpClient: nodeSoapX509HttpClient(stranger), forceSoap12Headers: true });
    refused.setSecurity(stranger);
    await rejectsWith(refused.EchoStringAsync({ echo: 'no' }), (e) => e instanceof SessionError && e.code === 'SECURITY_FAULT', 'a fault');
    // A reply for a request this security object never protected is refused before anything is opened.
    const unknown = nodeSoapX509HttpClient(x509());
    for (const data of ['<s:Envelope/>', `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:MessageID>urn:x</a:MessageID></s:Header><s:Body/></s:Envelope>`]) {
      const err = await new Promise<unknown>((resolve) => unknown.request(url, data, (e) => resolve(e)));
      assert.ok(err instanceof AdapterError && err.code === 'REQUEST_UNKNOWN', String(err));
    }
    security.destroy();
    stranger.destroy();
  });
});
