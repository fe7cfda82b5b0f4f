// `npm run test:browser`: the browser bundle in headless Debian Chromium (playwright-core), served from 127.0.0.1,
// with cross-checks against this Node process; a screenshot of the result page goes to test-artifacts/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type BrowserContext } from 'playwright-core';
import { signXml, verifySignature } from '../../src/dsig/index.js';
import { CROSS_KEY } from './cross-key.js';

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

function route(method: string, url: string, body: Buffer): { status: number; body: Uint8Array | string; type: string } {
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
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = route(req.method ?? 'GET', req.url ?? '/', Buffer.concat(chunks));
      res.writeHead(r.status, { 'content-type': r.type });
      res.end(r.body);
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
  rmSync(profile, { recursive: true, force: true });
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
  assert.ok(results.length >= 14, `only ${results.length} cases ran`);
  const failed = results.filter((r) => !r.ok);
  for (const r of results) t.diagnostic(`browser ${r.ok ? 'ok' : 'FAILED'}: ${r.name}${r.detail ? ` (${r.detail})` : ''}`);
  assert.deepEqual(failed, [], 'every case passes');
});
