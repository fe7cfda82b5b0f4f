// Parse + Exc-C14N 1.0 + SHA-1 of a SOAP Body: wssc's streaming path vs xml-crypto's ExclusiveCanonicalization on @xmldom/xmldom.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DOMParser } from '@xmldom/xmldom';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { canonicalize, digestReferences } from '../../src/c14n/index.js';
import { compare, formatSize, type BenchOptions, type Row } from '../harness.js';
import { SOAP12, soapMessage } from './soap-message.js';

export const SIZES = [2 * 1024, 64 * 1024, 4 * 1024 * 1024];

/** wssc: bytes → SAX → exc-c14n of the element with u:Id="_1" → SHA-1, one pass, no DOM, no output string. */
function wsscBodyDigest(bytes: Uint8Array): Uint8Array {
  return digestReferences(bytes, [{ id: '_1', alg: 'sha1' }])[0]!.digest;
}

function xmlCryptoCanonicalBody(bytes: Uint8Array): string {
  const doc = new DOMParser().parseFromString(new TextDecoder().decode(bytes), 'text/xml');
  const body = doc.getElementsByTagNameNS(SOAP12, 'Body')[0]!;
  return new ExclusiveCanonicalization().process(body as unknown as Element, {});
}

/** xml-crypto: bytes → string → xmldom DOM → ExclusiveCanonicalization string → SHA-1 (node:crypto). */
function xmlCryptoBodyDigest(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(xmlCryptoCanonicalBody(bytes), 'utf8').digest());
}

const IMPLS: Record<string, (bytes: Uint8Array) => Uint8Array> = { wssc: wsscBodyDigest, 'xml-crypto': xmlCryptoBodyDigest };

/** Times both implementations at each size after checking that their canonical Body bytes are identical. */
export async function c14nBenches(opts: BenchOptions): Promise<Row[]> {
  const rows: Row[] = [];
  for (const size of opts.quick ? SIZES.slice(0, 2) : SIZES) {
    const bytes = soapMessage(size);
    const ours = Buffer.from(canonicalize(bytes, { id: '_1' }));
    const theirs = Buffer.from(xmlCryptoCanonicalBody(bytes), 'utf8');
    if (!ours.equals(theirs)) throw new Error(`bench c14n ${formatSize(size)}: wssc and xml-crypto canonical forms differ; not timing`);
    rows.push(
      ...(await compare(
        {
          suite: 'c14n',
          // Parse + exclusive c14n + SHA-1 of the Body; the name is the one issue 7's JSON consumers expect.
          operation: 'digest',
          size: formatSize(size),
          bytes: bytes.length,
          impls: { wssc: () => wsscBodyDigest(bytes), 'xml-crypto': () => xmlCryptoBodyDigest(bytes) },
        },
        opts,
      )),
    );
  }
  return rows;
}

/** The entry point the bench runner calls. */
export const runC14nBench = c14nBenches;

export interface MemoryRow {
  name: string;
  /** Peak resident-set growth over the loaded process, in MiB, of one parse+c14n+digest. */
  peakRssGrowthMiB: number;
}

/**
 * Peak memory growth of one operation per implementation, each in a fresh process (`--memory` mode below): the
 * process loads the message from a file, settles, records its peak RSS, runs the operation once and reports how
 * far the peak rose. Fresh processes keep one implementation's garbage out of the other's figure.
 */
export function c14nMemory(size = 4 * 1024 * 1024): MemoryRow[] {
  const dir = mkdtempSync(join(tmpdir(), 'wssc-c14n-mem-'));
  try {
    const file = join(dir, 'message.xml');
    writeFileSync(file, soapMessage(size));
    const self = fileURLToPath(import.meta.url);
    return Object.keys(IMPLS).map((impl) => {
      const r = spawnSync(process.execPath, ['--expose-gc', self, '--memory', impl, file], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`memory probe ${impl} failed: ${r.stderr}`);
      return { name: `c14n/peak-rss-growth/${formatSize(size)}/${impl}`, peakRssGrowthMiB: Number(r.stdout.trim()) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function memoryProbe(impl: string, file: string): void {
  const run = IMPLS[impl];
  if (run === undefined) throw new Error(`unknown implementation ${impl}`);
  const bytes = new Uint8Array(readFileSync(file));
  const gc = (globalThis as { gc?: () => void }).gc;
  // Load the code paths on a tiny message first so that compiled code is not counted as data.
  run(soapMessage(2048));
  gc?.();
  const before = process.resourceUsage().maxRSS;
  run(bytes);
  const after = process.resourceUsage().maxRSS;
  process.stdout.write(`${((after - before) / 1024).toFixed(1)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--memory');
  if (i >= 0) {
    memoryProbe(process.argv[i + 1]!, process.argv[i + 2]!);
  } else {
    // Standalone: `node build/bench/c14n/exc-c14n.bench.js [--quick]`.
    const quick = process.argv.includes('--quick');
    const rows = await c14nBenches({ quick, onTask: (r) => process.stderr.write(`${r.name}: ${r.extra}\n`) });
    for (const r of rows) process.stdout.write(`${r.name}\t${r.value.toPrecision(4)} µs\t${(r.bytes / r.value).toFixed(1)} MB/s\t${r.extra}\n`);
    for (const m of c14nMemory()) process.stdout.write(`${m.name}\t${m.peakRssGrowthMiB} MiB\n`);
  }
}
