// Independent c14n oracles (xml-security.md §2.1): xmllint --exc-c14n (libxml2) and lxml via test/c14n/oracle-lxml.py.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OracleResult {
  ok: boolean;
  out: Uint8Array;
  error: string;
}

const SCRIPT = join(process.cwd(), 'test/c14n/oracle-lxml.py');

/** A python that can import lxml (Debian's python3-lxml lives under /usr/bin/python3, not in a pyenv). */
export function findLxmlPython(): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', 'import lxml.etree'], { stdio: 'ignore' });
    if (r.status === 0) return python;
  }
  return null;
}

export function hasXmllint(): boolean {
  return spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;
}

function run(cmd: string, args: string[], input?: string): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
    child.stdin.end(input ?? '');
  });
}

/** `xmllint --exc-c14n` (whole document, with comments) of each document; two shells share the files (2 cores). */
export async function xmllintExcC14n(docs: readonly Uint8Array[]): Promise<OracleResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wssc-xmllint-'));
  try {
    const files = docs.map((d, i) => {
      const f = join(dir, `${String(i).padStart(5, '0')}.xml`);
      writeFileSync(f, d);
      return f;
    });
    const script = 'for f in "$@"; do xmllint --exc-c14n "$f" > "$f.out" 2> "$f.err"; echo $? > "$f.rc"; done';
    const half = Math.ceil(files.length / 2);
    await Promise.all([files.slice(0, half), files.slice(half)].map((part) => run('sh', ['-c', script, 'sh', ...part])));
    return files.map((f) => {
      const rc = Number(readFileSync(`${f}.rc`, 'utf8').trim());
      return { ok: rc === 0, out: readFileSync(`${f}.out`), error: readFileSync(`${f}.err`, 'utf8') };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface LxmlRequest {
  doc: Uint8Array;
  /** Apex: the index-th element in document order. */
  index: number;
  prefixes: string[];
  comments: boolean;
}

/** lxml exclusive c14n of one subtree per request, all in one python process. */
export async function lxmlExcC14n(python: string, requests: readonly LxmlRequest[]): Promise<OracleResult[]> {
  const input = requests
    .map((r) => JSON.stringify({ doc: Buffer.from(r.doc).toString('base64'), index: r.index, prefixes: r.prefixes, comments: r.comments }))
    .join('\n');
  const { code, stdout, stderr } = await run(python, [SCRIPT], `${input}\n`);
  if (code !== 0) throw new Error(`oracle-lxml.py exited with ${code}: ${stderr}`);
  const lines = stdout.toString('utf8').trim().split('\n');
  if (lines.length !== requests.length) throw new Error(`oracle-lxml.py answered ${lines.length} of ${requests.length} requests`);
  return lines.map((l) => {
    const r = JSON.parse(l) as { ok: boolean; c14n?: string; error?: string };
    return { ok: r.ok, out: r.ok ? Buffer.from(r.c14n!, 'base64') : new Uint8Array(0), error: r.error ?? '' };
  });
}
