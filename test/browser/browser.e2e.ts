// `npm run test:browser`: the browser bundle in headless Debian Chromium (playwright-core), served from 127.0.0.1,
// with cross-checks against this Node process and `wssc serve` processes behind the page's origin (same origin, no
// CORS); a screenshot of the result page goes to test-artifacts/.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type BrowserContext } from 'playwright-core';
import { signXml, verifySignature } from '../../src/dsig/index.js';
import { buildEnvelope } from '../../src/wssc/session-envelope.js';
import { protectMessage } from '../../src/wssc/protect.js';
import { unprotectMessage } from '../../src/wssc/unprotect.js';
import { WSSC_13, WSSC_FEB2005, type WsscVersion } from '../../src/wssc/versions.js';
import { pkiFiles } from '../wssc/session-helpers.js';
import { CROSS_KEY, CROSS_SESSION, ECHO_ACTION, echoBody, resolveCrossSession } from './cross-key.js';

const ROOT = process.cwd();
const VECTORS = resolve(ROOT, '../shared/vectors');
const CHROMIUM = process.env.WSSC_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(ROOT, 'test-artifacts');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json', '.xml': 'application/xml', '.html': 'text/html' };

const NODE_SIGNED = signXml(new TextEncoder().encode(`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><s:Header><o:Security xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><u:Timestamp u:Id="_0"><u:Created>2026-01-01T00:00:00Z</u:Created></u:Timestamp></o:Security></s:Header><s:Body u:Id="_1"><Echo xmlns="http://tempuri.org/">signed in Node</Echo></s:Body></s:Envelope>`), {
  key: { kind: 'hmac', secret: CROSS_KEY },
  algorithm: 'hmac-sha1',
  references: [{ id: '_0' }, { id: '_1' }],
  parent: { select: (el) => el.local === 'Security' },
});

const PAGE = '<!doctype html><meta charset="utf-8"><title>wssc: running</title><body>running…<script type="module" src="/test-page.js"></script>';

function serveFile(path: string): { body: Uint8Array; type: string } | null {
  if (!existsSync(path)) return null;
  return { body: readFileSync(path), type: TYPES[extname(path)] ?? 'application/octet-stream' };
}

const pki = pkiFiles();

/** `wssc serve` on loopback: what the page reaches through the proxy, and its log (one line per request). */
interface WsscServer {
  readonly url: string;
  readonly log: string[];
  readonly proc: ChildProcess;
}

function serve(args: string[]): Promise<WsscServer> {
  const bin = resolve(ROOT, 'bin/wssc');
  const proc = spawn(process.execPath, [bin, 'serve', '--port', '0', '--cert-file', pki.serviceCert, '--private-key-file', pki.serviceKey, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const log: string[] = [];
  return new Promise((ok, fail) => {
    let buf = '';
    proc.stderr!.on('data', (d: Buffer) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        log.push(line);
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line);
        if (m !== null) ok({ url: m[1]!, log, proc });
      }
    });
    proc.once('exit', (code) => fail(new Error(`wssc serve exited ${code}: ${log.join('\n')}`)));
  });
}

/** Page path → wssc serve (MutualCertificate Feb 2005 and 1.3, AnonymousForCertificate Feb 2005). */
const services = new Map<string, { server?: WsscServer; args: string[]; version: WsscVersion }>([
  ['/service', { args: ['--client-ca-file', pki.ca], version: WSSC_FEB2005 }],
  ['/service13', { args: ['--client-ca-file', pki.ca, '--trust13'], version: WSSC_13 }],
  ['/service-anon', { args: [], version: WSSC_FEB2005 }],
]);

/** Forwards a page request to the wssc serve behind `path` (the SOAP headers and the body as they are). */
async function proxy(target: string, req: IncomingMessage, body: Buffer): Promise<{ status: number; body: Uint8Array; type: string }> {
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'soapaction']) {
    const v = req.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  const res = await fetch(target, { method: req.method ?? 'POST', headers, body: new Uint8Array(body) });
  return { status: res.status, body: new Uint8Array(await res.arrayBuffer()), type: res.headers.get('content-type') ?? 'application/octet-stream' };
}

function nodeProtected(): Uint8Array {
  const env = buildEnvelope({ soap: '1.2', action: ECHO_ACTION, messageId: 'urn:uuid:0b5e55ed-0000-4000-8000-000000000001', to: 'urn:wssc:browser', body: echoBody('protected in Node') });
  return protectMessage(env, { token: CROSS_SESSION, includeToken: true });
}

function route(method: string, url: string, body: Buffer): { status: number; body: Uint8Array | string; type: string } {
  if (method === 'POST' && url === '/unprotect-in-node') {
    try {
      const m = unprotectMessage(new Uint8Array(body), { resolveToken: resolveCrossSession, suite: 'basic256' });
      return { status: 200, body: JSON.stringify({ ok: true, envelope: new TextDecoder().decode(m.envelope) }), type: 'application/json' };
    } catch (err) {
      return { status: 200, body: JSON.stringify({ ok: false, error: String(err) }), type: 'application/json' };
    }
  }
  if (url === '/node-protected.xml') return { status: 200, body: nodeProtected(), type: 'application/xml' };
  if (url === '/pki/client.pem') return { status: 200, body: readFileSync(pki.clientCert), type: 'text/plain' };
  if (url === '/pki/client.key') return { status: 200, body: readFileSync(pki.clientKey), type: 'text/plain' };
  if (url === '/pki/service.pem') return { status: 200, body: readFileSync(pki.serviceCert), type: 'text/plain' };
  if (method === 'POST' && url === '/verify-in-node') {
    try {
      const r = verifySignature(new Uint8Array(body), { key: { kind: 'hmac', secret: CROSS_KEY } });
      return { status: 200, body: JSON.stringify({ ok: true, ids: r.ids }), type: 'application/json' };
    } catch (err) {
      return { status: 200, body: JSON.stringify({ ok: false, error: String(err) }), type: 'application/json' };
    }
  }
  if (url === '/') return { status: 200, body: PAGE, type: 'text/html' };
  if (url === '/node-signed.xml') return { status: 200, body: NODE_SIGNED, type: 'application/xml' };
  if (url === '/test-page.js') return { status: 200, ...serveFile(resolve(ROOT, 'build/browser/test-page.js'))! };
  if (url.startsWith('/vectors/')) {
    const path = normalize(join(VECTORS, decodeURIComponent(url.slice('/vectors/'.length))));
    const file = path.startsWith(VECTORS) ? serveFile(path) : null;
    if (file !== null) return { status: 200, ...file };
  }
  return { status: 404, body: 'not found', type: 'text/plain' };
}

let server: Server;
let browser: BrowserContext;
let origin: string;
const profile = mkdtempSync(join(tmpdir(), 'wssc-chromium-'));

before(async () => {
  assert.ok(existsSync(resolve(ROOT, 'build/browser/test-page.js')), 'run `npm run build` first (it bundles the page)');
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  for (const s of services.values()) s.server = await serve(s.args);
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const backend = services.get(req.url ?? '')?.server;
      const reply = backend !== undefined ? proxy(backend.url, req, body) : Promise.resolve(route(req.method ?? 'GET', req.url ?? '/', body));
      reply.then(
        (r) => {
          res.writeHead(r.status, { 'content-type': r.type });
          res.end(r.body);
        },
        (err: unknown) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(String(err));
        },
      );
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  // A fresh profile, and flags that keep Chromium off the network this machine does not have (CI has none either).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
  for (const s of services.values()) {
    const p = s.server?.proc;
    if (p === undefined || p.exitCode !== null) continue;
    const exited = new Promise<void>((ok) => p.once('exit', () => ok()));
    p.kill('SIGTERM');
    await exited;
  }
  rmSync(profile, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

test('every browser case passes in headless Chromium', async (t) => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (window as unknown as { __wsscResults?: unknown }).__wsscResults !== undefined, undefined, { timeout: 120_000 });
  const results = await page.evaluate(() => (window as unknown as { __wsscResults: Array<{ name: string; ok: boolean; detail?: string }> }).__wsscResults);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'browser-results.png'), fullPage: true });
  assert.deepEqual(errors, [], 'no uncaught page errors');
  assert.ok(results.length >= 21, `only ${results.length} cases ran`);
  const failed = results.filter((r) => !r.ok);
  for (const r of results) t.diagnostic(`browser ${r.ok ? 'ok' : 'FAILED'}: ${r.name}${r.detail ? ` (${r.detail})` : ''}`);
  assert.deepEqual(failed, [], 'every case passes');
});

test('wssc serve saw each page session: one issue, five echoes, one renew and one cancel on one session', async () => {
  await new Promise((ok) => setTimeout(ok, 50));
  for (const [path, s] of services) {
    const log = s.server!.log;
    const v = s.version;
    const issued = log.filter((l) => l.startsWith(`POST ${v.actions.issue} 200 `));
    // /service also saw the refused request wrapped for another certificate (not a 200).
    assert.equal(issued.length, 1, `${path}: ${log.join('\n')}`);
    const session = issued[0]!.split(' ')[3]!;
    const on = (action: string): number => log.filter((l) => l.startsWith(`POST ${action} 200 ${session} `)).length;
    assert.equal(on(ECHO_ACTION), 5, `${path}: echoes`);
    assert.equal(on(v.actions.renew), 1, `${path}: renew`);
    assert.equal(on(v.actions.cancel), 1, `${path}: cancel`);
  }
  assert.ok(services.get('/service')!.server!.log.some((l) => l.startsWith(`POST ${WSSC_FEB2005.actions.issue} 5`)), 'the mis-wrapped request was refused');
});

test('the benchmark report charts render in Chromium (rasterized to test-artifacts/)', async () => {
  const { writeReport } = await import('../../bench/report.js');
  const row = (name: string, value: number) => ({ name, unit: 'us' as const, value, range: '±0', extra: '', bytes: 0, ratio: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'wssc-charts-'));
  writeReport(dir, [
    row('session/establish/-/mutual-certificate', 9000),
    row('message/protect/2KiB/session', 300), row('message/unprotect/2KiB/session', 500),
    row('message/protect/2KiB/x509', 1300), row('message/unprotect/2KiB/x509', 2000),
    row('message/protect/64KiB/session', 4000), row('message/unprotect/64KiB/session', 7000),
    row('message/protect/64KiB/x509', 6500), row('message/unprotect/64KiB/x509', 9500),
  ], { cpu: 'test', cores: 2, node: process.version, date: new Date().toISOString() });
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const chart of ['message-cost', 'break-even']) {
    const page = await browser.newPage();
    await page.setContent(readFileSync(join(dir, `${chart}.svg`), 'utf8'));
    // Rendered: the SVG has a layout box, each series' line is drawn and stays inside the plot frame.
    const boxes = await page.evaluate(() => {
      const frame = (document.querySelector('svg rect.frame') as SVGGraphicsElement).getBBox();
      return Array.from(document.querySelectorAll('svg path'), (p) => {
        const b = (p as SVGGraphicsElement).getBBox();
        const inside = b.x >= frame.x - 0.5 && b.y >= frame.y - 0.5 && b.x + b.width <= frame.x + frame.width + 0.5 && b.y + b.height <= frame.y + frame.height + 0.5;
        return inside ? b.width * b.height + b.width + b.height : -1;
      });
    });
    const svgBox = await page.locator('svg').boundingBox();
    assert.ok(svgBox !== null && svgBox.width >= 700 && svgBox.height >= 400, `${chart}: svg box ${JSON.stringify(svgBox)}`);
    assert.equal(boxes.length, 2, `${chart}: two series`);
    for (const b of boxes) assert.ok(b > 10, `${chart}: a series line was drawn inside the frame (${b})`);
    await page.screenshot({ path: join(ARTIFACTS, `${chart}.png`) });
    await page.close();
  }
  rmSync(dir, { recursive: true, force: true });
});
