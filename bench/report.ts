// The benchmark report: Markdown tables with ratios, a one-paragraph reading, and the two SVG charts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineChart } from './chart.js';
import { pivotTable, type Row } from './harness.js';

export interface Environment { cpu: string; cores: number; node: string; date: string }

const SIZE = /^(\d+)(B|KiB|MiB)$/;

function bytesOf(size: string): number | undefined {
  const m = SIZE.exec(size);
  if (m === null) return undefined;
  return Number(m[1]) * (m[2] === 'MiB' ? 1 << 20 : m[2] === 'KiB' ? 1024 : 1);
}

const find = (rows: readonly Row[], name: string): Row | undefined => rows.find((r) => r.name === name);

/** Protect + unprotect cost per message size for an implementation, from the `message/…` rows. */
export function messageCost(rows: readonly Row[], impl: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const r of rows) {
    const [suite, op, size, name] = r.name.split('/');
    if (suite !== 'message' || op !== 'protect' || name !== impl) continue;
    const open = find(rows, `message/unprotect/${size}/${impl}`);
    const bytes = bytesOf(size!);
    if (open !== undefined && bytes !== undefined) out.push([bytes, r.value + open.value]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Total µs for N messages with a session (set-up + N × per-message) and without (N × X.509 per message). */
export function breakEven(rows: readonly Row[], size = '2KiB', upTo = 20):
  { session: Array<[number, number]>; x509: Array<[number, number]>; paidBackAfter: number | null } | null {
  const establish = find(rows, 'session/establish/-/mutual-certificate');
  const session = messageCost(rows, 'session').find(([b]) => b === bytesOf(size));
  const x509 = messageCost(rows, 'x509').find(([b]) => b === bytesOf(size));
  if (establish === undefined || session === undefined || x509 === undefined) return null;
  const s: Array<[number, number]> = [];
  const x: Array<[number, number]> = [];
  let paidBackAfter: number | null = null;
  for (let n = 1; n <= upTo; n++) {
    s.push([n, establish.value + n * session[1]]);
    x.push([n, n * x509[1]]);
    if (paidBackAfter === null && s.at(-1)![1] <= x.at(-1)![1]) paidBackAfter = n;
  }
  return { session: s, x509: x, paidBackAfter };
}

function reading(rows: readonly Row[]): string {
  const parts: string[] = [];
  const ratio = (a: string, b: string) => {
    const x = find(rows, a);
    const y = find(rows, b);
    return x && y ? y.value / x.value : undefined;
  };
  const protect = ratio('message/protect/2KiB/session', 'message/protect/2KiB/x509');
  const open = ratio('message/unprotect/2KiB/session', 'message/unprotect/2KiB/x509');
  if (protect !== undefined) parts.push(`Protecting a 2 KiB message under a secure session costs ${protect.toFixed(1)}× less than protecting it per message with X.509 (RSA-2048 signature, RSA-OAEP key transport, AES)${open !== undefined ? `, and opening it ${open.toFixed(1)}× less` : ''}.`);
  const be = breakEven(rows);
  if (be !== null) parts.push(be.paidBackAfter === null ? 'Within 20 messages the session set-up is not paid back.' : `The session set-up is paid back after ${be.paidBackAfter} message${be.paidBackAfter === 1 ? '' : 's'}.`);
  const c14n = ratio('c14n/digest/64KiB/wssc', 'c14n/digest/64KiB/xml-crypto');
  if (c14n !== undefined) parts.push(`Streaming exclusive c14n and digest of a 64 KiB Body runs ${c14n.toFixed(1)}× faster than xml-crypto on @xmldom.`);
  const hmac = ratio('hmac-sha1/mac/64B/wasm', 'hmac-sha1/mac/64B/node');
  const psha1 = ratio('psha1/derive/32B/wasm', 'psha1/derive/32B/node');
  if (hmac !== undefined && psha1 !== undefined) parts.push(`In the WASM core a pre-keyed HMAC-SHA1 over 64 B is ${hmac.toFixed(1)}× node:crypto's createHmac and a 32-byte P_SHA1 derivation ${psha1.toFixed(1)}× a node:crypto implementation; above about 1 KiB node:crypto's SHA-NI and AES-NI win, and the auto provider hands those sizes over.`);
  parts.push('Figures are medians of tinybench samples with their median absolute deviation; ratios compare implementations measured in the same run.');
  return parts.join(' ');
}

/** One table per suite (the first name segment), each with only its own implementations as columns. */
export function suiteTables(rows: readonly Row[]): string {
  const bySuite = new Map<string, Row[]>();
  for (const r of rows) {
    const suite = r.name.slice(0, r.name.indexOf('/'));
    if (!bySuite.has(suite)) bySuite.set(suite, []);
    bySuite.get(suite)!.push(r);
  }
  return [...bySuite].map(([suite, list]) => `### ${suite}\n\n${pivotTable(list)}\n`).join('\n');
}

export function reportMarkdown(rows: readonly Row[], env: Environment): string {
  return `# wssc benchmark report\n\nMachine: ${env.cpu}, ${env.cores} cores, Node ${env.node}, ${env.date}.\n\n${reading(rows)}\n\n` +
    `Each cell: median µs per operation and its ratio to the fastest implementation in the row.\n\n${suiteTables(rows)}`;
}

/** Writes report.md, results.json, environment.json and the SVG charts into `dir`; returns the files written. */
export function writeReport(dir: string, rows: readonly Row[], env: Environment): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    written.push(join(dir, name));
  };
  put('report.md', reportMarkdown(rows, env));
  put('results.json', `${JSON.stringify(rows.map(({ name, unit, value, range, extra }) => ({ name, unit, value, range, extra })), null, 2)}\n`);
  put('environment.json', `${JSON.stringify(env, null, 2)}\n`);
  const session = messageCost(rows, 'session');
  const x509 = messageCost(rows, 'x509');
  if (session.length > 0 && x509.length > 0) {
    put('message-cost.svg', lineChart({
      title: 'Per-message cost (protect + unprotect) by message size',
      xLabel: 'message Body size (bytes)', yLabel: 'µs per message', logX: true, logY: true,
      series: [{ name: 'secure session', points: session }, { name: 'X.509 per message', points: x509 }],
    }));
  }
  const be = breakEven(rows);
  if (be !== null) {
    put('break-even.svg', lineChart({
      title: 'Total cost of N messages (2 KiB)', xLabel: 'messages', yLabel: 'total µs',
      series: [{ name: 'session (set-up + N)', points: be.session }, { name: 'X.509 per message', points: be.x509 }],
    }));
  }
  return written;
}
