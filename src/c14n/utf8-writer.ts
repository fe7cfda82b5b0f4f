// UTF-8 output with the c14n escapes (C14N 1.0 §2.3 "Text Nodes" and "Attribute Nodes"; RFC 3629 §3 encoding).
import type { ByteSink } from './sink.js';

// Which ASCII characters need an escape in each context (1 = escape). SPEC: C14N 1.0 §2.3, upper-case hex refs.
const NONE = new Uint8Array(128);
const TEXT = new Uint8Array(128);
const ATTR = new Uint8Array(128);
for (const c of '&<>\r') TEXT[c.charCodeAt(0)] = 1;
for (const c of '&<"\t\n\r') ATTR[c.charCodeAt(0)] = 1;

const ESCAPES: Record<number, Uint8Array> = {};
for (const [c, e] of [['&', '&amp;'], ['<', '&lt;'], ['>', '&gt;'], ['"', '&quot;'], ['\t', '&#x9;'], ['\n', '&#xA;'], ['\r', '&#xD;']] as const) {
  ESCAPES[c.charCodeAt(0)] = new TextEncoder().encode(e);
}

const TEXT_RE = /[&<>\r]/;
const ATTR_RE = /[&<"\t\n\r]/;
/**
 * PERF: strings longer than this that need no escape go through native `encodeInto`: end to end (parse + c14n +
 * SHA-1 of a SOAP Body) 15 → 19 MB/s at 4 MB, 17 → 19 at 64 KB (measured; thresholds 8–16 alike, 32 worse).
 */
const LONG = 12;
const encoder = new TextEncoder();

/** Room kept free at the end of the buffer for the longest single write (`&quot;` is 6 bytes). */
const SLACK = 8;
/**
 * PERF: buffers start small and grow (×4) up to their maximum before the first flush: a session message
 * canonicalizes ~6 small references, and a zeroed 16 KiB buffer each was 3% of protect time plus GC (CPU profile).
 */
const INITIAL = 512;

/**
 * Encodes strings to UTF-8 into one reusable buffer and hands full buffers to a sink, so the canonical output is
 * never held as a string. PERF: strings here are input that saxes already decoded (well-formed UTF-16, no lone
 * surrogates), so the loop needs no replacement-character handling.
 */
export class Utf8Writer {
  readonly #sink: ByteSink;
  readonly #max: number;
  #buf: Uint8Array;
  #limit: number;
  #pos = 0;

  constructor(sink: ByteSink, bufferSize = 16 * 1024) {
    this.#sink = sink;
    this.#max = Math.max(bufferSize, 64);
    this.#buf = new Uint8Array(Math.min(INITIAL, this.#max));
    this.#limit = this.#buf.length - SLACK;
  }

  /** Makes room: grows the buffer up to its maximum, then flushes. */
  #makeRoom(): void {
    if (this.#buf.length >= this.#max) {
      this.flush();
      return;
    }
    const next = new Uint8Array(Math.min(this.#max, this.#buf.length * 4));
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#limit = next.length - SLACK;
  }

  /** Writes `s` with no escaping (names, comments, PIs, markup). */
  raw(s: string): void {
    this.#put(s, NONE);
  }

  /** Writes text-node content: `&`, `<`, `>` and CR escaped. */
  text(s: string): void {
    this.#put(s, TEXT);
  }

  /** Writes an attribute value (without quotes): `&`, `<`, `"`, TAB, LF and CR escaped. */
  attr(s: string): void {
    this.#put(s, ATTR);
  }

  /** Writes one ASCII byte. */
  byte(b: number): void {
    if (this.#pos > this.#limit) this.#makeRoom();
    this.#buf[this.#pos++] = b;
  }

  /** Hands buffered bytes to the sink. */
  flush(): void {
    if (this.#pos === 0) return;
    this.#sink.write(this.#buf.subarray(0, this.#pos));
    this.#pos = 0;
  }

  #encodeLong(s: string): void {
    let rest = s;
    for (;;) {
      if (this.#pos > this.#limit) this.#makeRoom();
      const { read, written } = encoder.encodeInto(rest, this.#buf.subarray(this.#pos, this.#limit + SLACK));
      this.#pos += written;
      if (read === rest.length) return;
      rest = rest.slice(read);
      this.#makeRoom();
    }
  }

  #put(s: string, special: Uint8Array): void {
    const n0 = s.length;
    if (n0 > LONG && (special === NONE || !(special === TEXT ? TEXT_RE : ATTR_RE).test(s))) {
      this.#encodeLong(s);
      return;
    }
    let buf = this.#buf;
    let limit = this.#limit;
    let pos = this.#pos;
    for (let i = 0, n = s.length; i < n; i++) {
      if (pos > limit) {
        this.#pos = pos;
        this.#makeRoom();
        pos = this.#pos;
        buf = this.#buf;
        limit = this.#limit;
      }
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (special[c] === 0) {
          buf[pos++] = c;
        } else {
          const e = ESCAPES[c]!;
          buf.set(e, pos);
          pos += e.length;
        }
      } else if (c < 0x800) {
        buf[pos++] = 0xc0 | (c >> 6);
        buf[pos++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdbff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
        buf[pos++] = 0xf0 | (cp >> 18);
        buf[pos++] = 0x80 | ((cp >> 12) & 0x3f);
        buf[pos++] = 0x80 | ((cp >> 6) & 0x3f);
        buf[pos++] = 0x80 | (cp & 0x3f);
      } else {
        buf[pos++] = 0xe0 | (c >> 12);
        buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
        buf[pos++] = 0x80 | (c & 0x3f);
      }
    }
    this.#pos = pos;
  }
}
