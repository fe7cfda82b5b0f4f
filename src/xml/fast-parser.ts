// Bytes → SAX events on UTF-8 directly: XML 1.0 (5th ed.) §2–§4 and Namespaces in XML 1.0 (3rd ed.) §3–§6, with XmlParser's guards.
import { XmlError } from '../errors.js';
import type { XmlAttribute, XmlElement, XmlHandler, XmlNamespaceDecl } from './events.js';
import { checkAttributeCount, checkAttributeValue, checkDepth, checkInputSize, checkName, checkNamespaceUri, checkNotUtf16, checkText, checkXmlDecl, dtdError, EMPTY, nameTooLong, SLICE_UNITS } from './guards.js';
import { resolveLimits, type XmlLimits } from './limits.js';
import { NamespaceScope, XML_NAMESPACE, XMLNS_NAMESPACE } from './namespace-scope.js';

export interface FastXmlParserOptions {
  limits?: Partial<XmlLimits>;
}

// States. They follow saxes 6.0.0's state machine (the reference behaviour, see parser.ts) one for one where a
// construct is rare, and replace its per-character loops by byte scans where it is hot (text, tags, attributes).
const BEGIN = 0;
const BEGIN_WS = 1;
const TEXT = 2;
const ENTITY = 3;
const OPEN_WAKA = 4;
const OPEN_WAKA_BANG = 5;
const COMMENT = 6;
const COMMENT_ENDED = 7;
const CDATA = 8;
const PI_FIRST = 9;
const PI_REST = 10;
const PI_BODY = 11;
const PI_ENDING = 12;
const DECL_NAME_START = 13;
const DECL_NAME = 14;
const DECL_EQ = 15;
const DECL_VALUE_START = 16;
const DECL_VALUE = 17;
const DECL_SEP = 18;
const DECL_ENDING = 19;
const OPEN_TAG = 20;
const OPEN_TAG_SLASH = 21;
const ATTRIB = 22;
const ATTRIB_NAME = 23;
const ATTRIB_NAME_SAW_WHITE = 24;
const ATTRIB_VALUE = 25;
const ATTRIB_VALUE_QUOTED = 26;
const ATTRIB_VALUE_CLOSED = 27;
const CLOSE_TAG = 28;
const CLOSE_TAG_SAW_WHITE = 29;
const DOCTYPE = 30;
const DOCTYPE_QUOTE = 31;
const DTD = 32;
const DTD_QUOTED = 33;
const DTD_OPEN_WAKA = 34;
const DTD_OPEN_WAKA_BANG = 35;
const DTD_COMMENT = 36;
const DTD_COMMENT_ENDING = 37;
const DTD_COMMENT_ENDED = 38;
const DTD_PI = 39;
const DTD_PI_ENDING = 40;

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;
const SPACE = 0x20;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUAL = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const MINUS = 0x2d;
const SEMICOLON = 0x3b;
const RBRACKET = 0x5d;
const LBRACKET = 0x5b;
const HASH = 0x23;

const NO_BYTES = new Uint8Array(0);
const NO_WORDS = new Uint32Array(0);
const NO_INTS = new Int32Array(0);

// Byte classes. S = XML 1.0 [3]; name tables are the ASCII part of [4] NameStartChar and [4a] NameChar.
const IS_S = new Uint8Array(256);
const NAME_START = new Uint8Array(128);
const NAME_CHAR = new Uint8Array(128);
/** Text bytes that end a plain run: markup, references, CR (line ends, §2.11) and `>` (the `]]>` rule, §2.4). */
const TEXT_STOP = new Uint8Array(256);
/** Attribute value bytes that end a plain run: quotes, references, `<` and the whitespace §3.3.3 normalizes. */
const VALUE_STOP = new Uint8Array(256);
for (const c of [SPACE, TAB, LF, CR]) IS_S[c] = 1;
for (let c = 0; c < 128; c++) {
  const start = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x3a || c === 0x5f;
  NAME_START[c] = start ? 1 : 0;
  NAME_CHAR[c] = start || (c >= 0x30 && c <= 0x39) || c === MINUS || c === 0x2e ? 1 : 0;
}
for (const c of [LT, AMP, CR, GT]) TEXT_STOP[c] = 1;
for (const c of [DQUOTE, SQUOTE, AMP, LT, TAB, LF, CR]) VALUE_STOP[c] = 1;

function isNameStartCode(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x3a || c === 0x5f || c === 0x200c || c === 0x200d ||
    (c >= 0xc0 && c <= 0xd6) || (c >= 0xd8 && c <= 0xf6) || (c >= 0xf8 && c <= 0x2ff) || (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) || (c >= 0x2070 && c <= 0x218f) || (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) || (c >= 0xf900 && c <= 0xfdcf) || (c >= 0xfdf0 && c <= 0xfffd) || (c >= 0x10000 && c <= 0xeffff)
  );
}

function isNameCode(c: number): boolean {
  return (
    isNameStartCode(c) || (c >= 0x30 && c <= 0x39) || c === MINUS || c === 0x2e || c === 0xb7 ||
    (c >= 0x300 && c <= 0x36f) || (c >= 0x203f && c <= 0x2040)
  );
}

/** XML 1.0 [2] Char, for character references. */
function isXmlChar(c: number): boolean {
  return (c >= 0x20 && c <= 0xd7ff) || c === LF || c === CR || c === TAB || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

function isSCode(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

/** Length of the UTF-8 sequence introduced by `lead` (the rule of Utf8StreamDecoder: invalid leads count as 1 or 4). */
function sequenceLength(lead: number): number {
  if (lead < 0xc0) return 1;
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  return 4;
}

/** The code point at `i` of valid UTF-8. */
function codeAt(buf: Uint8Array, i: number): number {
  const b = buf[i]!;
  if (b < 0x80) return b;
  if (b < 0xe0) return ((b & 0x1f) << 6) | (buf[i + 1]! & 0x3f);
  if (b < 0xf0) return ((b & 0x0f) << 12) | ((buf[i + 1]! & 0x3f) << 6) | (buf[i + 2]! & 0x3f);
  return ((b & 0x07) << 18) | ((buf[i + 1]! & 0x3f) << 12) | ((buf[i + 2]! & 0x3f) << 6) | (buf[i + 3]! & 0x3f);
}

/** UTF-16 code units of valid UTF-8 bytes [a, b) after §2.11 line-end normalization (CRLF counts once). */
function unitsOf(buf: Uint8Array, a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) {
    const c = buf[i]!;
    if ((c & 0xc0) !== 0x80) n += c >= 0xf0 ? 2 : 1;
    if (c === LF && i > a && buf[i - 1] === CR) n--;
  }
  return n;
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Decodes valid UTF-8 bytes [a, b); short ASCII runs are built directly (see decodeAscii). */
function decode(buf: Uint8Array, a: number, b: number): string {
  if (b - a <= 24) {
    let i = a;
    while (i < b && buf[i]! < 0x80) i++;
    if (i === b) return decodeAscii(buf, a, b);
  }
  return utf8.decode(buf.subarray(a, b));
}

/**
 * Decodes bytes known to be ASCII. PERF: building a short string in JS takes ~70 ns, a TextDecoder call ~150 ns
 * (measured, Node 20); 8 characters per String.fromCharCode call instead of one: 12–24 bytes 130–290 → 65–140 ns.
 */
function decodeAscii(buf: Uint8Array, a: number, b: number): string {
  if (b - a > 24) return utf8.decode(buf.subarray(a, b));
  let s = '';
  let i = a;
  for (; b - i >= 8; i += 8) {
    s += String.fromCharCode(buf[i]!, buf[i + 1]!, buf[i + 2]!, buf[i + 3]!, buf[i + 4]!, buf[i + 5]!, buf[i + 6]!, buf[i + 7]!);
  }
  switch (b - i) {
    case 1:
      return s + String.fromCharCode(buf[i]!);
    case 2:
      return s + String.fromCharCode(buf[i]!, buf[i + 1]!);
    case 3:
      return s + String.fromCharCode(buf[i]!, buf[i + 1]!, buf[i + 2]!);
    case 4:
      return s + String.fromCharCode(buf[i]!, buf[i + 1]!, buf[i + 2]!, buf[i + 3]!);
    case 5:
      return s + String.fromCharCode(buf[i]!, buf[i + 1]!, buf[i + 2]!, buf[i + 3]!, buf[i + 4]!);
    case 6:
      return s + String.fromCharCode(buf[i]!, buf[i + 1]!, buf[i + 2]!, buf[i + 3]!, buf[i + 4]!, buf[i + 5]!);
    case 7:
      return s + String.fromCharCode(buf[i]!, buf[i + 1]!, buf[i + 2]!, buf[i + 3]!, buf[i + 4]!, buf[i + 5]!, buf[i + 6]!);
    default:
      return s;
  }
}

const VALUE_CACHE_SIZE = 1024;
/** Short attribute values (namespace URIs, flags, codes) repeat; strings are immutable, so one cache serves all. */
const VALUE_CACHE: (string | undefined)[] = new Array<string | undefined>(VALUE_CACHE_SIZE);

// The key of the bytes of the last cacheSlot call: their length + 1, then their first, middle and last 4 bytes as
// words (any shorter run packed in the first). Up to 12 bytes the words hold all of them, so an equal key means
// equal bytes; longer runs are compared in full as well.
let keyLen = 0;
const WAYS = 4;
let key0 = 0;
let key1 = 0;
let key2 = 0;

/**
 * The first entry of the cache set for the bytes [a, b), from murmur3 fmix32 of their key, which it sets.
 * PERF: 4 ways: with two, three hot values of the echo message shared a set and missed on every parse (3 misses
 * per parse → 0; with the word comparisons of sameBytes the decrypted 6.1 KB document 31.0 → 27.0 µs).
 */
function cacheSlot(buf: Uint8Array, a: number, b: number, size: number): number {
  const n = b - a;
  let k0 = 0;
  let k1 = 0;
  let k2 = 0;
  if (n < 4) {
    for (let k = a; k < b; k++) k0 = (k0 << 8) | buf[k]!;
  } else {
    k0 = buf[a]! | (buf[a + 1]! << 8) | (buf[a + 2]! << 16) | (buf[a + 3]! << 24);
    k2 = buf[b - 4]! | (buf[b - 3]! << 8) | (buf[b - 2]! << 16) | (buf[b - 1]! << 24);
    if (n > 8) {
      const m = a + (n >> 1) - 2;
      k1 = buf[m]! | (buf[m + 1]! << 8) | (buf[m + 2]! << 16) | (buf[m + 3]! << 24);
    }
  }
  keyLen = n + 1;
  key0 = k0;
  key1 = k1;
  key2 = k2;
  let h = (Math.imul(n, 31) + k0) | 0;
  h = (Math.imul(h, 31) + k1) | 0;
  h = (Math.imul(h, 31) + k2) | 0;
  let x = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) & (size - WAYS);
}

/**
 * Whether entry `way` of `keys` has the key of the last cacheSlot call. PERF: names and short values are found
 * by three word comparisons, not a byte loop (which was 6% of a 1.9 KB parse in the profile).
 */
function hasKey(keys: Int32Array, way: number): boolean {
  const j = way << 2;
  return keys[j] === keyLen && keys[j + 1] === key0 && keys[j + 2] === key1 && keys[j + 3] === key2;
}

/** Moves the keys of the set at `slot` one way on (dropping the last) and stores the last key in `slot`. */
function storeKey(keys: Int32Array, slot: number): void {
  const j = slot << 2;
  keys.copyWithin(j + 4, j, j + (WAYS - 1) * 4);
  keys[j] = keyLen;
  keys[j + 1] = key0;
  keys[j + 2] = key1;
  keys[j + 3] = key2;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A copy of the bytes [a, b) (SECURITY: not `buf.slice`, which on a Node Buffer shares the caller's memory). */
function copyOf(buf: Uint8Array, a: number, b: number): Uint8Array {
  const out = new Uint8Array(b - a);
  out.set(buf.subarray(a, b));
  return out;
}

/** The whole 4-byte groups of `bytes` as words, for sameBytes. */
function wordsOf(bytes: Uint8Array): Int32Array {
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
}

/**
 * Whether `bytes` (as `words`: see wordsOf) are the bytes at `a` of `buf`, whose buffer `view` covers from byte
 * offset `off` on (the caller checked the length). PERF: 4 bytes per step, the input's words shifted into line:
 * ~4× faster than a byte loop on a 40-byte namespace URI (measured, 55 → 16 ns).
 */
function sameBytes(
  bytes: Uint8Array,
  words: Int32Array,
  buf: Uint8Array,
  a: number,
  view: Uint32Array,
  off: number,
): boolean {
  const n = bytes.length;
  const full = words.length;
  let k = 0;
  const p = off + a;
  const w = p >> 2;
  const shift = (p & 3) << 3;
  // The shifted loop reads one word past the bytes: at the end of a buffer whose length is not a multiple of 4
  // that word is not in the view (and an out-of-bounds read would make V8 deoptimize), so bytes are compared there.
  if (full > 1 && LITTLE_ENDIAN && (shift === 0 || w + full < view.length)) {
    if (shift === 0) {
      for (let j = 0; j < full; j++) if ((view[w + j]! | 0) !== words[j]) return false;
    } else {
      let cur = view[w]! >>> shift;
      for (let j = 0; j < full; j++) {
        const next = view[w + j + 1]!;
        if ((cur | (next << (32 - shift))) !== words[j]) return false;
        cur = next >>> shift;
      }
    }
    k = full << 2;
  }
  while (k < n && bytes[k] === buf[a + k]) k++;
  return k === n;
}

const VALUE_KEYS = new Int32Array(VALUE_CACHE_SIZE * 4);
/** The bytes of the values longer than 12 bytes, and their words. */
const VALUE_BYTES: Uint8Array[] = new Array<Uint8Array>(VALUE_CACHE_SIZE).fill(NO_BYTES);
const VALUE_WORDS: Int32Array[] = new Array<Int32Array>(VALUE_CACHE_SIZE).fill(NO_INTS);

/**
 * The string of ASCII bytes [a, b), from the cache when it is there. PERF: values up to 128 bytes (the
 * WS-Security namespace URIs are 80+, decoded by TextDecoder on every parse before) are cached, which also lets the
 * URI check's Map find its key hashed already; with the word loop of #attribValueQuoted and byte comparisons in
 * the caches, the decrypted 6.1 KB echo document parsed in 36.2 → 31.0 µs (CPU time, interleaved A/B).
 */
function cachedAscii(buf: Uint8Array, a: number, b: number, view: Uint32Array, off: number): string {
  const n = b - a;
  if (n > 128) return utf8.decode(buf.subarray(a, b));
  const slot = cacheSlot(buf, a, b, VALUE_CACHE_SIZE);
  for (let way = slot; way < slot + WAYS; way++) {
    if (hasKey(VALUE_KEYS, way) && (n <= 12 || sameBytes(VALUE_BYTES[way]!, VALUE_WORDS[way]!, buf, a, view, off))) {
      return VALUE_CACHE[way]!;
    }
  }
  const value = decode(buf, a, b);
  storeKey(VALUE_KEYS, slot);
  for (let way = slot + WAYS - 1; way > slot; way--) {
    VALUE_BYTES[way] = VALUE_BYTES[way - 1]!;
    VALUE_WORDS[way] = VALUE_WORDS[way - 1]!;
    VALUE_CACHE[way] = VALUE_CACHE[way - 1];
  }
  const bytes = n > 12 ? copyOf(buf, a, b) : NO_BYTES;
  VALUE_BYTES[slot] = bytes;
  VALUE_WORDS[slot] = wordsOf(bytes);
  VALUE_CACHE[slot] = value;
  return value;
}

/** Decodes [a, b) with XML 1.0 §2.11 line-end normalization. */
function decodeLines(buf: Uint8Array, a: number, b: number): string {
  const s = decode(buf, a, b);
  const cr = buf.indexOf(CR, a);
  return cr !== -1 && cr < b ? s.replace(/\r\n?/g, '\n') : s;
}

/** A qualified name with its Namespaces 1.0 §3 split; `bad` when it is not a QName (saxes' qname() check). */
interface NameEntry {
  readonly name: string;
  readonly prefix: string;
  readonly local: string;
  readonly bad: boolean;
  /** The UTF-8 bytes of `name`, to compare input with, and their words (see sameBytes). */
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
}

/**
 * SPEC: Namespaces 1.0 [4] NCName: the part after the colon must itself start a name (`p:1`, `p:-x` are not
 * QNames; libxml2 refuses them). The non-ASCII NameChars that cannot start a name are XML 1.0 [4a]'s.
 */
export function startsName(local: string): boolean {
  const c = local.charCodeAt(0);
  if (c < 0x80) return NAME_START[c] === 1;
  return c !== 0xb7 && !(c >= 0x300 && c <= 0x36f) && !(c >= 0x203f && c <= 0x2040);
}

function nameEntry(name: string, bytes: Uint8Array): NameEntry {
  const words = wordsOf(bytes);
  const colon = name.indexOf(':');
  if (colon === -1) return { name, prefix: '', local: name, bad: false, bytes, words };
  const prefix = name.slice(0, colon);
  const local = name.slice(colon + 1);
  return { name, prefix, local, bad: prefix === '' || local === '' || local.includes(':'), bytes, words };
}

const NAME_CACHE_SIZE = 1024;
/** Names repeat across elements and messages; entries are immutable, so one cache serves every parser. */
const NAME_CACHE: (NameEntry | undefined)[] = new Array<NameEntry | undefined>(NAME_CACHE_SIZE);
const NAME_KEYS = new Int32Array(NAME_CACHE_SIZE * 4);

function malformed(message: string): XmlError {
  return new XmlError('XML_MALFORMED', `malformed XML: ${message}`);
}

/** SPEC: Namespaces 1.0 §3 "Reserved Prefixes and Namespace Names", as saxes checks them (nsPairCheck). */
function checkNamespacePair(prefix: string, uri: string): void {
  if (prefix === 'xml' && uri !== XML_NAMESPACE) throw malformed(`xml prefix must be bound to ${XML_NAMESPACE}`);
  if (prefix === 'xmlns' && uri !== XMLNS_NAMESPACE) throw malformed(`xmlns prefix must be bound to ${XMLNS_NAMESPACE}`);
  if (uri === XMLNS_NAMESPACE) throw malformed(`no prefix may be bound to ${XMLNS_NAMESPACE}`);
  if (uri === XML_NAMESPACE && prefix !== 'xml') throw malformed('the xml namespace may only be bound to xml');
}

/**
 * A push parser with exactly XmlParser's public behaviour (events, byte offsets, refusals and their codes, limits,
 * and the chunk boundaries at which limits are checked), reading the UTF-8 bytes directly instead of decoding the
 * whole input to a string and running saxes over it.
 *
 * Input is validated per write as Utf8StreamDecoder validates it (fatal, an incomplete trailing sequence held
 * back), so an encoding error in a chunk is reported before any other error of that chunk, as XmlParser does.
 * Disallowed characters (XML 1.0 [2]) are located in the same pass; parsing stops there with `XML_MALFORMED`
 * unless an error earlier in the document comes first. The tokens themselves are read by a state machine that
 * mirrors saxes' (so that every malformation is refused at the same character, in the same order relative to the
 * limit checks), with byte scans instead of per-character loops where documents spend their time.
 */
export class FastXmlParser {
  readonly #handler: XmlHandler;
  readonly #limits: XmlLimits;
  readonly #scope = new NamespaceScope();
  readonly #stack: XmlElement[] = [];

  // Input. `#buf[0..#len)` holds unconsumed bytes; `#base` is the input offset of `#buf[0]`.
  #buf: Uint8Array = NO_BYTES;
  #own: Uint8Array = NO_BYTES;
  #len = 0;
  #base = 0;
  #pos = 0;
  /** Bytes before this are valid UTF-8; the rest (#held, at most 3) is an incomplete sequence held back. */
  #validEnd = 0;
  #held = 0;
  /** Position of the first disallowed character of the validated bytes not parsed yet, or -1. */
  #bad = -1;
  #limit = 0;
  #total = 0;
  #failure: unknown = undefined;
  #ended = false;

  // Parser state (saxes' fields of the same names in comments).
  #state = BEGIN;
  /** Start of the name or reference being read; its bytes are kept across writes. -1 when none. */
  #tokStart = -1;
  /** Pending character data (saxes `text`): text since the last flush, a value, a comment or PI body so far. */
  #text = '';
  /** Code units of the current text node already reported (XmlParser `#textRun`). */
  #textRun = 0;
  /** Trailing `]` count of the raw text read so far (saxes `forbiddenState`). */
  #brackets = 0;
  #entityReturn = TEXT;
  #xmlDeclPossible = true;
  #sawRoot = false;
  #closedRoot = false;
  #openWakaBang = '';
  #q = 0;
  #cdataPending = 0;
  #piTarget = '';
  #targetThenQuestion = false;
  #declName = '';
  #declExpects = 0; // bit 1 version, 2 encoding, 4 standalone
  #declVersion: string | undefined = undefined;
  #declEncoding: string | undefined = undefined;
  #xml11 = false;
  #closeName = '';

  // The start tag being read.
  #tag: NameEntry | null = null;
  #tagStart = 0;
  #attrName: NameEntry | null = null;
  readonly #attrNames: NameEntry[] = [];
  readonly #attrValues: string[] = [];
  readonly #attrUris: string[] = [];
  #attrCount = 0;
  readonly #declPrefixes: string[] = [];
  readonly #declUris: string[] = [];
  #declCount = 0;
  /** Changes whenever the in-scope bindings change (see #resolve). */
  #generation = 0;
  #lastGeneration = -1;
  #lastPrefix = '';
  #lastUri: string | undefined = undefined;

  /** The names of the open elements (#stack's), for comparing end tags to. */
  readonly #tags: NameEntry[] = [];

  constructor(handler: XmlHandler, options: FastXmlParserOptions = {}) {
    this.#handler = handler;
    this.#limits = resolveLimits(options.limits);
  }

  /** Parses the next chunk of the document. The bytes are not retained. */
  write(chunk: Uint8Array): void {
    this.#guard();
    try {
      this.#total += chunk.length;
      checkInputSize(this.#total, this.#limits);
      if (this.#total === chunk.length && chunk.length >= 2) checkNotUtf16(chunk[0]!, chunk[1]!);
      this.#append(chunk);
      const from = this.#validEnd;
      const units = this.#validate();
      if (units > 0) {
        if (this.#validEnd - from <= SLICE_UNITS) this.#slice(this.#validEnd);
        else for (const end of this.#sliceEnds(from, units)) this.#slice(end);
      }
      this.#compact();
    } catch (err) {
      this.#failure = err;
      throw err;
    }
  }

  /** Ends the document: checks that it is complete and well-formed. */
  end(): void {
    this.#guard();
    try {
      if (this.#validEnd < this.#len) {
        throw new XmlError('XML_ENCODING', `invalid UTF-8: truncated sequence at byte ${this.#base + this.#validEnd}`);
      }
      this.#ended = true;
      // saxes holds back a final CR until it knows what follows; the end decides.
      this.#limit = this.#len;
      this.#run();
      if (!this.#sawRoot) throw malformed('document must contain a root element');
      if (this.#stack.length > 0) throw malformed(`unclosed tag: ${this.#stack[this.#stack.length - 1]!.name}`);
      if (this.#state !== TEXT && this.#state !== BEGIN) throw malformed('unexpected end');
      this.#buf = NO_BYTES;
      this.#len = 0;
    } catch (err) {
      this.#failure = err;
      throw err;
    }
  }

  #guard(): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#ended) throw new XmlError('XML_MALFORMED', 'the document has already ended');
  }

  // ---- input management ----

  #append(chunk: Uint8Array): void {
    if (this.#len === 0) {
      // Nothing carried over: parse the caller's bytes in place; #compact copies what a later write needs.
      this.#setBuf(chunk);
      this.#len = chunk.length;
      return;
    }
    // After #compact the carried bytes are at the start of #own.
    const need = this.#len + chunk.length;
    if (this.#own.length < need) {
      const own = new Uint8Array(Math.max(need, 256, this.#own.length * 2));
      own.set(this.#own.subarray(0, this.#len));
      this.#own = own;
    }
    this.#own.set(chunk, this.#len);
    this.#setBuf(this.#own);
    this.#len = need;
  }

  /** Drops the consumed bytes; copies what a later write still needs out of the caller's chunk. */
  #compact(): void {
    let keep = this.#pos;
    if (this.#tokStart >= 0 && this.#tokStart < keep) keep = this.#tokStart;
    const rest = this.#len - keep;
    if (rest === 0) {
      // (No word view: nothing is read before the next #append.)
      this.#buf = this.#own;
      this.#len = 0;
    } else {
      // (When #buf is #own, rest <= #own.length already.)
      if (this.#own.length < rest) this.#own = new Uint8Array(Math.max(rest, 256, this.#own.length * 2));
      if (this.#buf === this.#own) this.#own.copyWithin(0, keep, this.#len);
      else this.#own.set(this.#buf.subarray(keep, this.#len));
      this.#setBuf(this.#own);
      this.#len = rest;
    }
    this.#base += keep;
    this.#pos -= keep;
    this.#validEnd -= keep;
    if (this.#tokStart >= 0) this.#tokStart -= keep;
    this.#bad = -1;
  }

  /**
   * Validates the bytes appended since the last call exactly as Utf8StreamDecoder decodes them (WHATWG UTF-8,
   * fatal; an incomplete sequence at the end held back) and returns the UTF-16 length of what it releases: 0 means
   * XmlParser would not have run saxes at all for this write. Also records the first disallowed character.
   */
  #validate(): number {
    const buf = this.#buf;
    const len = this.#len;
    let p = this.#validEnd;
    let units = 0;
    let bad = -1;
    if (this.#held > 0) {
      // Utf8StreamDecoder's carry: it waits for the whole sequence, whatever the bytes, then decodes them together.
      const need = sequenceLength(buf[p]!);
      if (len - p < need) {
        this.#held = len - p;
        return 0;
      }
      const size = validSequence(buf, p, p + need);
      if (size !== need) throw encodingError(this.#base + p);
      if (isNonChar(buf, p)) bad = p;
      units += need === 4 ? 2 : 1;
      p += need;
    }
    // An incomplete sequence at the very end is held back (Utf8StreamDecoder's rule: up to 3 bytes).
    let tail = 0;
    for (let k = 1; k <= 3 && len - k >= p; k++) {
      const b = buf[len - k]!;
      if ((b & 0xc0) === 0x80) continue;
      if (b >= 0xc0 && sequenceLength(b) > k) tail = k;
      break;
    }
    const end = len - tail;
    let i = p;
    // PERF: 4 bytes at a time while they are printable ASCII (a word has a byte outside 0x20–0x7F iff
    // (w | (w - 0x20202020)) & 0x80808080; a borrow only adds false alarms): about 3x faster than a byte loop on
    // the 64 KiB SOAP message (205 → 74 µs, measured on a loaded machine).
    const off = this.#off;
    const words = this.#wordView;
    const wordEnd = (off + end) >> 2;
    while (i < end) {
      if (((off + i) & 3) === 0) {
        let w = (off + i) >> 2;
        while (w < wordEnd) {
          const x = words[w]!;
          if (((x | (x - 0x20202020)) & 0x80808080) !== 0) break;
          w++;
        }
        const next = (w << 2) - off;
        units += next - i;
        i = next;
        if (i >= end) break;
      }
      const b = buf[i]!;
      if (b < 0x80) {
        // SPEC: XML 1.0 [2] Char: of the C0 controls only TAB, LF and CR.
        if (b < 0x20 && b !== TAB && b !== LF && b !== CR && bad < 0) bad = i;
        i++;
        units++;
        continue;
      }
      const size = validSequence(buf, i, end);
      if (size === 0) throw encodingError(this.#base + i);
      if (size === 3 && bad < 0 && isNonChar(buf, i)) bad = i;
      units += size === 4 ? 2 : 1;
      i += size;
    }
    this.#validEnd = end;
    this.#held = tail;
    if (bad >= 0 && this.#bad < 0) this.#bad = bad;
    return units;
  }

  #wordsOf: ArrayBufferLike | null = null;
  /** A 32-bit view of the whole buffer under #buf (for the word loops), reused while writes come from one buffer. */
  #wordView: Uint32Array = NO_WORDS;

  /** `#buf.byteOffset`, kept here: PERF: reading the getter in #textInRoot cost ~1 µs per 2 KB message. */
  #off = 0;

  #setBuf(buf: Uint8Array): void {
    this.#buf = buf;
    this.#off = buf.byteOffset;
    if (this.#wordsOf !== buf.buffer) {
      this.#wordsOf = buf.buffer;
      this.#wordView = new Uint32Array(buf.buffer, 0, buf.buffer.byteLength >> 2);
    }
  }

  /** Ends of XmlParser's 64 Ki-unit saxes writes within the bytes [from, validEnd) of this write. */
  #sliceEnds(from: number, units: number): number[] {
    const ends: number[] = [];
    if (units <= SLICE_UNITS) {
      ends.push(this.#validEnd);
      return ends;
    }
    const buf = this.#buf;
    const end = this.#validEnd;
    let u = 0;
    let next = SLICE_UNITS;
    for (let i = from; i < end; ) {
      const b = buf[i]!;
      const size = b < 0x80 ? 1 : sequenceLength(b);
      const w = size === 4 ? 2 : 1;
      if (u + w > next) {
        // The slice ends between the two surrogates: saxes carries the high one over, so the character is read later.
        ends.push(i);
        next += SLICE_UNITS;
      }
      u += w;
      i += size;
      if (u === next) {
        ends.push(i);
        next += SLICE_UNITS;
      }
    }
    if (ends.length === 0 || ends[ends.length - 1] !== end) ends.push(end);
    return ends;
  }

  /** One saxes write of XmlParser: parse up to `end` (a trailing CR waits, as in saxes), then check limits. */
  #slice(end: number): void {
    const bad = this.#bad;
    if (bad >= 0 && bad < end) {
      this.#limit = bad;
      this.#run();
      throw malformed('disallowed character');
    }
    this.#limit = end > this.#pos && this.#buf[end - 1] === CR ? end - 1 : end;
    this.#run();
    this.#afterSlice();
  }

  // ---- the state machine ----

  #run(): void {
    while (this.#pos < this.#limit) {
      let more: boolean;
      switch (this.#state) {
        case TEXT:
          more = this.#stack.length > 0 ? this.#textInRoot() : this.#textOutsideRoot();
          break;
        case OPEN_WAKA:
          more = this.#openWaka();
          break;
        case OPEN_TAG:
          more = this.#openTagName();
          break;
        case ATTRIB:
          more = this.#attrib();
          break;
        case ATTRIB_NAME:
          more = this.#attribName();
          break;
        case ATTRIB_VALUE_QUOTED:
          more = this.#attribValueQuoted();
          break;
        case ATTRIB_VALUE_CLOSED:
          more = this.#attribValueClosed();
          break;
        case CLOSE_TAG:
          more = this.#closeTagName();
          break;
        case ENTITY:
          more = this.#entity();
          break;
        case BEGIN:
          more = this.#begin();
          break;
        case COMMENT:
          more = this.#comment();
          break;
        case CDATA:
          more = this.#cdata();
          break;
        case PI_REST:
          more = this.#piRest();
          break;
        case PI_BODY:
          more = this.#piBody();
          break;
        default:
          more = this.#slowState();
      }
      if (!more) break;
    }
  }

  /**
   * XmlParser's checks after each saxes write (`#afterWrite`), on the equivalent state: a DTD being read, names,
   * attribute counts and values in progress against their limits, pending text flushed or measured.
   */
  #afterSlice(): void {
    const state = this.#state;
    if (state >= DOCTYPE) throw dtdError();
    const limits = this.#limits;
    if (this.#pendingName() > limits.maxNameLength || this.#pendingTarget() > limits.maxNameLength || this.#pendingEntity() > limits.maxNameLength) {
      throw nameTooLong(limits);
    }
    checkAttributeCount(this.#attrCount, limits);
    if (state === ATTRIB_VALUE || state === ATTRIB_VALUE_QUOTED || state === ATTRIB_VALUE_CLOSED) {
      checkAttributeValue(this.#text.length, limits);
      return;
    }
    if (state === TEXT || (state === CDATA && this.#cdataPending === 0)) {
      // SPEC: one text node may be reported in pieces; reporting per write keeps memory flat for large bodies.
      const pending = this.#text;
      if (pending.length > 0) {
        this.#text = '';
        this.#emitText(pending);
      }
      return;
    }
    this.#checkText(this.#text.length, 'comment or processing instruction');
  }

  #pendingName(): number {
    switch (this.#state) {
      case OPEN_TAG:
      case ATTRIB_NAME:
      case CLOSE_TAG:
        return unitsOf(this.#buf, this.#tokStart, this.#limit);
      case ATTRIB_NAME_SAW_WHITE:
      case ATTRIB_VALUE:
      case ATTRIB_VALUE_QUOTED:
        return this.#attrName!.name.length;
      case ENTITY:
        return this.#entityReturn === ATTRIB_VALUE_QUOTED ? this.#attrName!.name.length : 0;
      case CLOSE_TAG_SAW_WHITE:
        return this.#closeName.length;
      case DECL_NAME:
      case DECL_EQ:
      case DECL_VALUE_START:
      case DECL_VALUE:
        return this.#declName.length;
      default:
        return 0;
    }
  }

  #pendingTarget(): number {
    const state = this.#state;
    if (state === PI_REST) return unitsOf(this.#buf, this.#tokStart, this.#limit);
    if (state === PI_BODY || state === PI_ENDING) return this.#piTarget.length;
    if (state >= DECL_NAME_START && state <= DECL_ENDING) return 3;
    return 0;
  }

  #pendingEntity(): number {
    return this.#state === ENTITY ? unitsOf(this.#buf, this.#tokStart, this.#limit) : 0;
  }

  /** Reads the character at #pos (the limit guarantees it is there), line ends normalized (saxes getCodeNorm). */
  #next(): number {
    const buf = this.#buf;
    const i = this.#pos;
    const b = buf[i]!;
    if (b < 0x80) {
      if (b === CR) {
        const n = buf[i + 1];
        this.#pos = i + (n === LF && i + 1 < this.#len ? 2 : this.#xml11 && n === 0xc2 && buf[i + 2] === 0x85 && i + 2 < this.#len ? 3 : 1);
        return LF;
      }
      this.#pos = i + 1;
      if (this.#xml11 && b === 0x7f) throw malformed('disallowed character');
      return b;
    }
    const c = codeAt(buf, i);
    this.#pos = i + (c < 0x800 ? 2 : c < 0x10000 ? 3 : 4);
    if (this.#xml11) {
      // SPEC: XML 1.1 §2.11 line ends and §2.2 restricted characters: they apply to the rest of a 1.1 declaration.
      if (c === 0x85 || c === 0x2028) return LF;
      if (c <= 0x9f) throw malformed('disallowed character');
    }
    return c;
  }

  #begin(): boolean {
    const buf = this.#buf;
    const p = this.#pos;
    // SPEC: XML 1.0 §4.3.3: a byte order mark may precede the document; it is not part of it.
    if (this.#base + p === 0 && buf[p] === 0xef && buf[p + 1] === 0xbb && buf[p + 2] === 0xbf) this.#pos = p + 3;
    this.#state = BEGIN_WS;
    return true;
  }

  #beginWhitespace(): boolean {
    const buf = this.#buf;
    const limit = this.#limit;
    let p = this.#pos;
    const start = p;
    while (p < limit && IS_S[buf[p]!] === 1) p++;
    if (p !== start) this.#xmlDeclPossible = false;
    this.#pos = p;
    if (p === limit) return false;
    if (buf[p] === LT) {
      this.#pos = p + 1;
      this.#state = OPEN_WAKA;
    } else {
      this.#state = TEXT;
      this.#xmlDeclPossible = false;
    }
    return true;
  }

  #textOutsideRoot(): boolean {
    const buf = this.#buf;
    const limit = this.#limit;
    let p = this.#pos;
    while (p < limit && IS_S[buf[p]!] === 1) p++;
    if (p === limit) {
      this.#pos = p;
      return false;
    }
    if (buf[p] !== LT) throw malformed('text data outside of root node');
    this.#pos = p + 1;
    this.#state = OPEN_WAKA;
    return true;
  }

  /** Character data in the root element (XML 1.0 [14]): the hot path. */
  #textInRoot(): boolean {
    const buf = this.#buf;
    const limit = this.#limit;
    let runStart = this.#pos;
    let carried = this.#brackets;
    let i = runStart;
    let hi = 0;
    const off = this.#off;
    for (;;) {
      let b = 0;
      while (i < limit && TEXT_STOP[(b = buf[i]!)] === 0) {
        hi |= b;
        i++;
        if (((off + i) & 15) === 0 && limit - i >= 16) i = plainTextEnd(this.#wordView, off, i, limit);
      }
      if (i === limit) {
        if (i > runStart) this.#text += hi < 0x80 ? decodeAscii(buf, runStart, i) : decode(buf, runStart, i);
        this.#brackets = trailingBrackets(buf, runStart, i, carried);
        this.#pos = i;
        return false;
      }
      const c = buf[i]!;
      if (c === GT) {
        // SPEC: XML 1.0 [14]: CharData does not contain `]]>`.
        if (trailingBrackets(buf, runStart, i, carried) >= 2) throw malformed('the string "]]>" is disallowed in char data');
        i++;
        continue;
      }
      if (i > runStart) this.#text += hi < 0x80 ? decodeAscii(buf, runStart, i) : decode(buf, runStart, i);
      if (c === LT) {
        const text = this.#text;
        if (text.length > 0) {
          this.#text = '';
          this.#emitText(text);
        }
        this.#brackets = 0;
        const n = i + 1;
        this.#pos = n;
        if (n < limit) {
          // The two common markups go straight to their readers (the same steps as #openWaka).
          const d = buf[n]!;
          if (d === SLASH) {
            this.#pos = n + 1;
            this.#tokStart = n + 1;
            this.#xmlDeclPossible = false;
            this.#state = CLOSE_TAG;
            return this.#closeTagName();
          }
          if (d < 0x80 && NAME_START[d] === 1) {
            this.#tokStart = n;
            this.#xmlDeclPossible = false;
            this.#state = OPEN_TAG;
            return this.#openTagName();
          }
        }
        this.#state = OPEN_WAKA;
        return true;
      }
      if (c === AMP) {
        this.#brackets = 0;
        this.#pos = i + 1;
        this.#tokStart = i + 1;
        this.#entityReturn = TEXT;
        this.#state = ENTITY;
        return true;
      }
      // CR: XML 1.0 §2.11 line-end normalization (a CR at the limit waits, so a following LF is visible here).
      this.#text += '\n';
      i = buf[i + 1] === LF && i + 1 < limit ? i + 2 : i + 1;
      runStart = i;
      carried = 0;
      hi = 0;
    }
  }

  /** `&…;` (XML 1.0 [66], [68]): only the predefined entities and character references to Chars. */
  #entity(): boolean {
    const buf = this.#buf;
    const start = this.#tokStart;
    const semi = buf.indexOf(SEMICOLON, this.#pos);
    if (semi === -1 || semi >= this.#limit) {
      this.#pos = this.#limit;
      return false;
    }
    const value = this.#resolveEntity(start, semi);
    this.#tokStart = -1;
    this.#pos = semi + 1;
    this.#text += value;
    this.#state = this.#entityReturn;
    return true;
  }

  #resolveEntity(a: number, b: number): string {
    const buf = this.#buf;
    const n = b - a;
    const c0 = buf[a];
    if (n === 0) throw malformed('empty entity name');
    if (n === 3 && c0 === 0x61 && buf[a + 1] === 0x6d && buf[a + 2] === 0x70) return '&';
    if (n === 2 && buf[a + 1] === 0x74) {
      if (c0 === 0x6c) return '<';
      if (c0 === 0x67) return '>';
    }
    if (n === 4) {
      if (c0 === 0x71 && buf[a + 1] === 0x75 && buf[a + 2] === 0x6f && buf[a + 3] === 0x74) return '"';
      if (c0 === 0x61 && buf[a + 1] === 0x70 && buf[a + 2] === 0x6f && buf[a + 3] === 0x73) return "'";
    }
    if (c0 !== HASH) throw malformed('undefined entity');
    const entity = decodeLines(buf, a, b);
    let num = NaN;
    if (entity[1] === 'x' && /^#x[0-9a-f]+$/i.test(entity)) num = parseInt(entity.slice(2), 16);
    else if (/^#[0-9]+$/.test(entity)) num = parseInt(entity.slice(1), 10);
    if (!isXmlChar(num)) throw malformed('malformed character entity');
    return String.fromCodePoint(num);
  }

  #openWaka(): boolean {
    const buf = this.#buf;
    const p = this.#pos;
    const b = buf[p]!;
    if (b < 0x80 ? NAME_START[b] === 1 : isNameStartCode(codeAt(buf, p))) {
      this.#state = OPEN_TAG;
      this.#tokStart = p;
      this.#xmlDeclPossible = false;
      return true;
    }
    this.#pos = p + 1;
    switch (b) {
      case SLASH:
        this.#state = CLOSE_TAG;
        this.#tokStart = p + 1;
        this.#xmlDeclPossible = false;
        return true;
      case BANG:
        this.#state = OPEN_WAKA_BANG;
        this.#openWakaBang = '';
        this.#xmlDeclPossible = false;
        return true;
      case QUESTION:
        this.#state = PI_FIRST;
        return true;
      default:
        throw malformed('disallowed character in tag name');
    }
  }

  /** Reads name characters from `from` (ASCII by table); returns the end, or -1 at the limit. */
  #scanName(from: number): number {
    const buf = this.#buf;
    const limit = this.#limit;
    let i = from;
    while (i < limit) {
      const b = buf[i]!;
      if (b < 0x80) {
        if (NAME_CHAR[b] === 0) return i;
        i++;
      } else {
        const c = codeAt(buf, i);
        if (!isNameCode(c)) return i;
        i += c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      }
    }
    return -1;
  }

  /**
   * The NameEntry of the name [a, b) #scanName just read. PERF: repeated names come from the cache; with a
   * direct-mapped cache two hot SOAP names evicted each other on every element: 56 → 71 MB/s once fixed (64 KiB).
   */
  #name(a: number, b: number): NameEntry {
    const buf = this.#buf;
    const n = b - a;
    const slot = cacheSlot(buf, a, b, NAME_CACHE_SIZE);
    for (let way = slot; way < slot + WAYS; way++) {
      if (hasKey(NAME_KEYS, way)) {
        const hit = NAME_CACHE[way]!;
        if (n <= 12 || sameBytes(hit.bytes, hit.words, buf, a, this.#wordView, this.#off)) return hit;
      }
    }
    const entry = nameEntry(decode(buf, a, b), copyOf(buf, a, b));
    storeKey(NAME_KEYS, slot);
    for (let way = slot + WAYS - 1; way > slot; way--) NAME_CACHE[way] = NAME_CACHE[way - 1];
    NAME_CACHE[slot] = entry;
    return entry;
  }

  #openTagName(): boolean {
    const start = this.#tokStart;
    const end = this.#scanName(start);
    if (end < 0) return false;
    const tag = this.#name(start, end);
    this.#tokStart = -1;
    this.#tag = tag;
    this.#tagStart = this.#base + start - 1;
    checkName(tag.name, this.#limits);
    this.#sawRoot = true;
    if (this.#closedRoot) throw malformed('documents may contain only one root');
    const b = this.#buf[end]!;
    if (b === GT) {
      this.#pos = end + 1;
      this.#openTag(false);
      return true;
    }
    if (b === SLASH) {
      this.#pos = end + 1;
      this.#state = OPEN_TAG_SLASH;
      return this.#pos < this.#limit ? this.#openTagSlash() : true;
    }
    if (IS_S[b] !== 1) throw malformed('disallowed character in tag name');
    this.#pos = end;
    this.#next();
    this.#state = ATTRIB;
    // PERF: the states of a start tag call the next one directly while there is input (as #run would, without the
    // dispatch); the chain stops after each attribute, so its depth does not grow with the attribute count. With
    // the word keys of cacheSlot: the plain 1.9 KB SOAP message 18.4 → 17.2 µs (CPU time, interleaved A/B).
    return this.#pos < this.#limit ? this.#attrib() : true;
  }

  #openTagSlash(): boolean {
    const b = this.#buf[this.#pos]!;
    this.#pos++;
    if (b !== GT) throw malformed('forward-slash in opening tag not followed by >');
    this.#openTag(true);
    return true;
  }

  #attrib(): boolean {
    const buf = this.#buf;
    const limit = this.#limit;
    let p = this.#pos;
    while (p < limit && IS_S[buf[p]!] === 1) p++;
    this.#pos = p;
    if (p === limit) return false;
    const b = buf[p]!;
    if (b < 0x80 ? NAME_START[b] === 1 : isNameStartCode(codeAt(buf, p))) {
      this.#tokStart = p;
      this.#state = ATTRIB_NAME;
      return this.#attribName();
    }
    this.#pos = p + 1;
    if (b === GT) this.#openTag(false);
    else if (b === SLASH) {
      this.#state = OPEN_TAG_SLASH;
      return this.#pos < limit ? this.#openTagSlash() : true;
    } else throw malformed('disallowed character in attribute name');
    return true;
  }

  #attribName(): boolean {
    const start = this.#tokStart;
    const end = this.#scanName(start);
    if (end < 0) return false;
    this.#attrName = this.#name(start, end);
    this.#tokStart = -1;
    const buf = this.#buf;
    const b = buf[end]!;
    if (b === EQUAL) {
      const p = end + 1;
      this.#pos = p;
      this.#state = ATTRIB_VALUE;
      if (p < this.#limit) {
        // The usual `="`: the ATTRIB_VALUE step of #slowState for a quote.
        const q = buf[p]!;
        if (q === DQUOTE || q === SQUOTE) {
          this.#q = q;
          this.#text = '';
          this.#pos = p + 1;
          this.#state = ATTRIB_VALUE_QUOTED;
          if (p + 1 < this.#limit) return this.#attribValueQuoted();
        }
      }
      return true;
    }
    if (IS_S[b] === 1) {
      this.#pos = end;
      this.#next();
      this.#state = ATTRIB_NAME_SAW_WHITE;
      return true;
    }
    throw malformed(b === GT ? 'attribute without value' : 'disallowed character in attribute name');
  }

  /** An attribute value (XML 1.0 [10]) with §3.3.3 normalization: TAB, LF, CR and CRLF each become one space. */
  #attribValueQuoted(): boolean {
    const buf = this.#buf;
    const limit = this.#limit;
    const q = this.#q;
    const off = this.#off;
    let run = this.#pos;
    let i = run;
    let hi = 0;
    for (;;) {
      let b = 0;
      while (i < limit && VALUE_STOP[(b = buf[i]!)] === 0) {
        hi |= b;
        i++;
        if (((off + i) & 3) === 0 && limit - i >= 8) i = plainValueEnd(this.#wordView, off, i, limit);
      }
      if (i === limit) {
        if (i > run) this.#text += decode(buf, run, i);
        this.#pos = i;
        return false;
      }
      const c = buf[i]!;
      if (c === q) {
        const last =
          hi >= 0x80 ? decode(buf, run, i) : run === this.#pos ? cachedAscii(buf, run, i, this.#wordView, off) : decodeAscii(buf, run, i);
        const value = this.#text.length === 0 ? last : this.#text + last;
        this.#text = '';
        this.#pos = i + 1;
        this.#state = ATTRIB_VALUE_CLOSED;
        this.#pushAttrib(value);
        return i + 1 < limit ? this.#attribValueClosed() : true;
      }
      if (c === DQUOTE || c === SQUOTE) {
        i++; // the other quote is an ordinary character
        continue;
      }
      if (i > run) this.#text += decode(buf, run, i);
      if (c === AMP) {
        this.#pos = i + 1;
        this.#tokStart = i + 1;
        this.#entityReturn = ATTRIB_VALUE_QUOTED;
        this.#state = ENTITY;
        return true;
      }
      // SPEC: XML 1.0 [10]: no `<` in attribute values.
      if (c === LT) throw malformed('disallowed character');
      this.#text += ' ';
      i = c === CR && buf[i + 1] === LF && i + 1 < limit ? i + 2 : i + 1;
      run = i;
    }
  }

  /** saxes pushAttribNS: the QName check and the namespace declaration rules, at the closing quote. */
  #pushAttrib(value: string): void {
    const entry = this.#attrName!;
    this.#attrName = null;
    if (entry.bad) throw malformed(`malformed name: ${entry.name}`);
    const n = this.#attrCount++;
    this.#attrNames[n] = entry;
    this.#attrValues[n] = value;
    if (entry.prefix === 'xmlns') {
      // SECURITY: saxes binds the trimmed value; XmlParser refuses padded values later (XML_NAMESPACE).
      const trimmed = value.trim();
      if (trimmed === '') throw malformed('invalid attempt to undefine prefix in XML 1.0');
      this.#addDecl(entry.local, trimmed);
      checkNamespacePair(entry.local, trimmed);
    } else if (entry.name === 'xmlns') {
      const trimmed = value.trim();
      this.#addDecl('', trimmed);
      checkNamespacePair('', trimmed);
    }
  }

  #addDecl(prefix: string, uri: string): void {
    const n = this.#declCount++;
    this.#declPrefixes[n] = prefix;
    this.#declUris[n] = uri;
  }

  #attribValueClosed(): boolean {
    const buf = this.#buf;
    const p = this.#pos;
    const b = buf[p]!;
    if (b === GT) {
      this.#pos = p + 1;
      this.#openTag(false);
      return true;
    }
    if (b === SLASH) {
      this.#pos = p + 1;
      this.#state = OPEN_TAG_SLASH;
      return p + 1 < this.#limit ? this.#openTagSlash() : true;
    }
    if (IS_S[b] === 1) {
      this.#next();
      this.#state = ATTRIB;
      return true;
    }
    throw malformed(
      (b < 0x80 ? NAME_START[b] === 1 : isNameStartCode(codeAt(buf, p))) ? 'no whitespace between attributes' : 'disallowed character in attribute name',
    );
  }

  /** The URI bound to `prefix` while the current start tag is read (saxes resolve(): own declarations first). */
  #resolve(prefix: string): string | undefined {
    const decls = this.#declCount;
    for (let i = decls - 1; i >= 0; i--) if (this.#declPrefixes[i] === prefix) return this.#declUris[i];
    // PERF: the last answer of the scope holds until a declaration comes into or goes out of scope (scope lookups
    // were 3.8% of a 2 KiB parse in the profile, 2.0% with this).
    if (prefix === this.#lastPrefix && this.#lastGeneration === this.#generation) return this.#lastUri;
    let uri = this.#scope.lookup(prefix);
    if (uri === undefined && prefix === 'xmlns') uri = XMLNS_NAMESPACE;
    this.#lastPrefix = prefix;
    this.#lastUri = uri;
    this.#lastGeneration = this.#generation;
    return uri;
  }

  /** A complete start tag: saxes processAttribsNS, then XmlParser's #onOpenTag checks, then the events. */
  #openTag(selfClosing: boolean): void {
    const tag = this.#tag!;
    if (tag.bad) throw malformed(`malformed name: ${tag.name}`);
    const prefix = tag.prefix;
    const uri = this.#resolve(prefix) ?? '';
    if (prefix !== '') {
      if (prefix === 'xmlns') throw malformed('tags may not have "xmlns" as prefix');
      if (uri === '') throw malformed(`unbound namespace prefix: ${JSON.stringify(prefix)}`);
    }
    const count = this.#attrCount;
    const names = this.#attrNames;
    const values = this.#attrValues;
    const uris = this.#attrUris;
    for (let i = 0; i < count; i++) {
      const attr = names[i]!;
      let attrUri: string;
      if (attr.prefix === '') {
        attrUri = attr.name === 'xmlns' ? XMLNS_NAMESPACE : '';
        for (let j = 0; j < i; j++) if (names[j]!.prefix === '' && names[j]!.name === attr.name) throw malformed(`duplicate attribute: ${attr.name}`);
      } else {
        const resolved = this.#resolve(attr.prefix);
        if (resolved === undefined) throw malformed(`unbound namespace prefix: ${JSON.stringify(attr.prefix)}`);
        attrUri = resolved;
        // SPEC: Namespaces 1.0 §6.3: no two attributes with the same local name and namespace name.
        for (let j = 0; j < i; j++) {
          if (names[j]!.prefix !== '' && names[j]!.local === attr.local && uris[j] === attrUri) {
            throw malformed(`duplicate attribute: {${attrUri}}${attr.local}`);
          }
        }
      }
      uris[i] = attrUri;
    }
    // XmlParser #onOpenTag (the QName local-part check first, where XmlParser makes it).
    if (prefix !== '' && !startsName(tag.local)) throw malformed(`malformed name: ${tag.name}`);
    for (let i = 0; i < count; i++) {
      const attr = names[i]!;
      if (attr.prefix !== '' && !startsName(attr.local)) throw malformed(`malformed name: ${attr.name}`);
    }
    const limits = this.#limits;
    const depth = this.#stack.length + 1;
    checkDepth(depth, limits);
    checkAttributeCount(count, limits);
    let attributes: XmlAttribute[] | readonly never[] = EMPTY;
    let namespaces: XmlNamespaceDecl[] | readonly never[] = EMPTY;
    for (let i = 0; i < count; i++) {
      const attr = names[i]!;
      const value = values[i]!;
      checkName(attr.name, limits);
      checkAttributeValue(value.length, limits);
      const attrUri = uris[i]!;
      if (attrUri === XMLNS_NAMESPACE) {
        checkNamespaceUri(value, attr.name);
        if (namespaces === EMPTY) namespaces = [];
        (namespaces as XmlNamespaceDecl[]).push({ prefix: attr.prefix === '' ? '' : attr.local, uri: value });
      } else {
        if (attributes === EMPTY) attributes = [];
        // Same shape (and key order) as saxes' attribute objects, which XmlParser passes on.
        (attributes as XmlAttribute[]).push({ name: attr.name, prefix: attr.prefix, local: attr.local, value, uri: attrUri } as XmlAttribute);
      }
      values[i] = '';
    }
    this.#attrCount = 0;
    this.#declCount = 0;
    this.#tag = null;
    const element: XmlElement = {
      name: tag.name,
      prefix,
      local: tag.local,
      uri,
      attributes,
      namespaces,
      depth,
      byteStart: this.#tagStart,
      byteEnd: -1,
    };
    this.#tags[this.#stack.length] = tag;
    this.#stack.push(element);
    // The scope only sees elements that declare something (push and pop stay paired, in LIFO order).
    if (namespaces.length > 0) {
      this.#scope.push(namespaces);
      this.#generation++;
    }
    this.#textRun = 0;
    this.#state = TEXT;
    this.#handler.startElement(element, this.#scope);
    if (selfClosing) this.#closeElement();
  }

  /** XmlParser #onCloseTag for the element on top of the stack, the close tag ending at #pos. */
  #closeElement(): void {
    const element = this.#stack.pop()!;
    element.byteEnd = this.#base + this.#pos;
    this.#textRun = 0;
    this.#handler.endElement(element);
    if (element.namespaces.length > 0) {
      this.#scope.pop();
      this.#generation++;
    }
    if (this.#stack.length === 0) this.#closedRoot = true;
  }

  #closeTagName(): boolean {
    const start = this.#tokStart;
    const buf = this.#buf;
    const stack = this.#stack;
    if (stack.length > 0) {
      // The expected name, compared in place; anything else takes the general path.
      const tag = this.#tags[stack.length - 1]!;
      const n = tag.bytes.length;
      const gt = start + n;
      if (gt < this.#limit && buf[gt] === GT && sameBytes(tag.bytes, tag.words, buf, start, this.#wordView, this.#off)) {
        this.#tokStart = -1;
        this.#pos = gt + 1;
        this.#closeTag(tag.name);
        return true;
      }
    }
    const end = this.#scanName(start);
    if (end < 0) return false;
    const name = end === start ? '' : this.#name(start, end).name;
    this.#tokStart = -1;
    const b = this.#buf[end]!;
    if (b === GT) {
      this.#pos = end + 1;
      this.#closeTag(name);
      return true;
    }
    if (IS_S[b] === 1) {
      this.#pos = end;
      this.#next();
      this.#closeName = name;
      this.#state = CLOSE_TAG_SAW_WHITE;
      return true;
    }
    throw malformed('disallowed character in closing tag');
  }

  /** saxes closeTag: the name must match the innermost open element (XML 1.0 §3 WFC: Element Type Match). */
  #closeTag(name: string): void {
    this.#state = TEXT;
    this.#closeName = '';
    if (name === '') throw malformed('weird empty close tag');
    const stack = this.#stack;
    if (stack.length === 0) throw malformed(`unmatched closing tag: ${name}`);
    const top = stack[stack.length - 1]!;
    // saxes reports the end of the element it pops before it refuses a mismatched name; XmlParser passes that on.
    this.#closeElement();
    if (top.name !== name) throw malformed('unexpected close tag');
  }

  #comment(): boolean {
    const buf = this.#buf;
    const limit = this.#limit;
    const p = this.#pos;
    let i = p;
    for (;;) {
      i = buf.indexOf(MINUS, i);
      if (i === -1 || i >= limit) {
        this.#text += decodeLines(buf, p, limit);
        this.#pos = limit;
        return false;
      }
      if (i + 1 >= limit) {
        // A `-` at the limit: saxes' COMMENT_ENDING, the `-` not yet in the text.
        this.#text += decodeLines(buf, p, i);
        this.#pos = i;
        return false;
      }
      if (buf[i + 1] === MINUS) break;
      i += 2;
    }
    const text = this.#text + decodeLines(buf, p, i);
    this.#text = '';
    this.#pos = i + 2;
    this.#state = COMMENT_ENDED;
    // XmlParser commentHandler. saxes reports the comment at `--`, before it checks that `>` follows.
    this.#checkText(text.length, 'comment');
    this.#textRun = 0;
    this.#handler.comment(text, this.#stack.length);
    return true;
  }

  /** A CDATA section (XML 1.0 [18]–[21]): its text up to the first `]]>`, reported as text. */
  #cdata(): boolean {
    const buf = this.#buf;
    const limit = this.#limit;
    const p = this.#pos;
    let i = p;
    for (;;) {
      i = buf.indexOf(RBRACKET, i);
      if (i === -1 || i + 2 >= limit) break;
      if (buf[i + 1] === RBRACKET && buf[i + 2] === GT) {
        const text = this.#text + decodeLines(buf, p, i);
        this.#text = '';
        this.#cdataPending = 0;
        this.#pos = i + 3;
        this.#state = TEXT;
        this.#emitText(text);
        return true;
      }
      i++;
    }
    // No end before the limit. A trailing `]` or `]]` waits (saxes CDATA_ENDING, CDATA_ENDING_2), not in the text.
    let t = 0;
    while (t < 2 && limit - t - 1 >= p && buf[limit - t - 1] === RBRACKET) t++;
    this.#text += decodeLines(buf, p, limit - t);
    this.#cdataPending = t;
    this.#pos = limit - t;
    return false;
  }

  #piRest(): boolean {
    const buf = this.#buf;
    const limit = this.#limit;
    const start = this.#tokStart;
    let i = this.#pos;
    // Namespaces 1.0 [4] NCName characters (saxes checks PI targets with NCName rules).
    while (i < limit) {
      const b = buf[i]!;
      if (b < 0x80) {
        if (NAME_CHAR[b] === 0 || b === 0x3a) break;
        i++;
      } else {
        const c = codeAt(buf, i);
        if (!isNameCode(c)) break;
        i += c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      }
    }
    if (i === limit) {
      this.#pos = i;
      return false;
    }
    const target = decode(buf, start, i);
    this.#tokStart = -1;
    this.#pos = i;
    const c = this.#next();
    if (c !== QUESTION && !isSCode(c)) throw malformed('disallowed character in processing instruction name');
    this.#piTarget = target;
    if (target === 'xml') {
      if (!this.#xmlDeclPossible) throw malformed('an XML declaration must be at the start of the document');
      this.#state = c === QUESTION ? DECL_ENDING : DECL_NAME_START;
      this.#declExpects = 1;
      this.#declVersion = undefined;
      this.#declEncoding = undefined;
    } else {
      this.#state = c === QUESTION ? PI_ENDING : PI_BODY;
      this.#targetThenQuestion = c === QUESTION;
    }
    return true;
  }

  #piBody(): boolean {
    const buf = this.#buf;
    const limit = this.#limit;
    while (this.#text.length === 0) {
      if (this.#pos >= limit) return false;
      const c = this.#next();
      if (c === QUESTION) {
        this.#state = PI_ENDING;
        return true;
      }
      if (!isSCode(c)) this.#text = String.fromCodePoint(c);
    }
    const p = this.#pos;
    const q = buf.indexOf(QUESTION, p);
    if (q === -1 || q >= limit) {
      this.#text += decodeLines(buf, p, limit);
      this.#pos = limit;
      return false;
    }
    this.#text += decodeLines(buf, p, q);
    this.#pos = q + 1;
    this.#state = PI_ENDING;
    return true;
  }

  #piEnding(): boolean {
    const direct = this.#targetThenQuestion;
    this.#targetThenQuestion = false;
    const c = this.#next();
    this.#xmlDeclPossible = false;
    if (c === GT) {
      const target = this.#piTarget;
      if (target.toLowerCase() === 'xml') throw malformed('the XML declaration must appear at the start of the document');
      const body = this.#text;
      this.#piTarget = '';
      this.#text = '';
      this.#state = TEXT;
      // XmlParser piHandler.
      checkName(target, this.#limits);
      this.#checkText(body.length, 'processing instruction');
      this.#textRun = 0;
      this.#handler.processingInstruction(target, body, this.#stack.length);
      return true;
    }
    // SPEC: XML 1.0 [16] PI ::= '<?' PITarget (S …)? '?>': `<?t?x?>` is refused (XmlParser's patch of saxes).
    if (direct) throw malformed('a processing instruction target must be followed by whitespace or ?>');
    if (c === QUESTION) this.#text += '?';
    else {
      this.#text += `?${String.fromCodePoint(c)}`;
      this.#state = PI_BODY;
    }
    return true;
  }

  /** Rare constructs, one character at a time as saxes reads them. */
  #slowState(): boolean {
    switch (this.#state) {
      case BEGIN_WS:
        return this.#beginWhitespace();
      case OPEN_WAKA_BANG: {
        this.#openWakaBang += String.fromCodePoint(this.#next());
        switch (this.#openWakaBang) {
          case '[CDATA[':
            if (this.#stack.length === 0) throw malformed('text data outside of root node');
            this.#openWakaBang = '';
            this.#cdataPending = 0;
            this.#state = CDATA;
            return true;
          case '--':
            this.#openWakaBang = '';
            this.#state = COMMENT;
            return true;
          case 'DOCTYPE':
            if (this.#sawRoot) throw malformed('inappropriately located doctype declaration');
            this.#openWakaBang = '';
            this.#state = DOCTYPE;
            return true;
          default:
            if (this.#openWakaBang.length >= 7) throw malformed('incorrect syntax');
            return true;
        }
      }
      case COMMENT_ENDED:
        if (this.#next() !== GT) throw malformed('malformed comment');
        this.#state = TEXT;
        return true;
      case PI_FIRST: {
        const p = this.#pos;
        const c = this.#next();
        if (c === 0x3a || !isNameStartCode(c)) {
          throw malformed(c === QUESTION || isSCode(c) ? 'processing instruction without a target' : 'disallowed character in processing instruction name');
        }
        this.#tokStart = p;
        this.#state = PI_REST;
        return true;
      }
      case PI_ENDING:
        return this.#piEnding();
      case OPEN_TAG_SLASH:
        return this.#openTagSlash();
      case ATTRIB_NAME_SAW_WHITE: {
        const c = this.#next();
        if (isSCode(c)) return true;
        if (c !== EQUAL) throw malformed('attribute without value');
        this.#state = ATTRIB_VALUE;
        return true;
      }
      case ATTRIB_VALUE: {
        const c = this.#next();
        if (c === DQUOTE || c === SQUOTE) {
          this.#q = c;
          this.#text = '';
          this.#state = ATTRIB_VALUE_QUOTED;
          return true;
        }
        if (!isSCode(c)) throw malformed('unquoted attribute value');
        return true;
      }
      case CLOSE_TAG_SAW_WHITE: {
        const c = this.#next();
        if (isSCode(c)) return true;
        if (c !== GT) throw malformed('disallowed character in closing tag');
        this.#closeTag(this.#closeName);
        return true;
      }
      default:
        if (this.#state <= DECL_ENDING) return this.#xmlDecl();
        return this.#doctype();
    }
  }

  /** The XML declaration (XML 1.0 [23]–[32]), following saxes' states; XmlParser accepts version 1.0 and UTF-8 only. */
  #xmlDecl(): boolean {
    const c = this.#next();
    switch (this.#state) {
      case DECL_NAME_START:
        if (isSCode(c)) return true;
        if (c === QUESTION) this.#state = DECL_ENDING;
        else {
          this.#state = DECL_NAME;
          this.#declName = String.fromCodePoint(c);
        }
        return true;
      case DECL_NAME: {
        if (c === QUESTION) throw malformed('XML declaration is incomplete');
        if (!isSCode(c) && c !== EQUAL) {
          this.#text += String.fromCodePoint(c);
          return true;
        }
        const name = this.#declName + this.#text;
        this.#declName = name;
        this.#text = '';
        const bit = name === 'version' ? 1 : name === 'encoding' ? 2 : name === 'standalone' ? 4 : 0;
        if ((bit & this.#declExpects) === 0) throw malformed('unexpected name in the XML declaration');
        this.#state = c === EQUAL ? DECL_VALUE_START : DECL_EQ;
        return true;
      }
      case DECL_EQ:
        if (c === QUESTION) throw malformed('XML declaration is incomplete');
        if (isSCode(c)) return true;
        if (c !== EQUAL) throw malformed('value required');
        this.#state = DECL_VALUE_START;
        return true;
      case DECL_VALUE_START:
        if (c === QUESTION) throw malformed('XML declaration is incomplete');
        if (isSCode(c)) return true;
        if (c !== DQUOTE && c !== SQUOTE) throw malformed('value must be quoted');
        this.#q = c;
        this.#state = DECL_VALUE;
        return true;
      case DECL_VALUE: {
        if (c === QUESTION) throw malformed('XML declaration is incomplete');
        if (c !== this.#q) {
          this.#text += String.fromCodePoint(c);
          return true;
        }
        const value = this.#text;
        this.#text = '';
        switch (this.#declName) {
          case 'version':
            this.#declExpects = 6;
            this.#declVersion = value;
            if (!/^1\.[0-9]+$/.test(value)) throw malformed('version number must match /^1\\.[0-9]+$/');
            // saxes reads the rest of the declaration by XML 1.1 rules; XmlParser refuses the version at its end.
            this.#xml11 = value !== '1.0';
            break;
          case 'encoding':
            if (!/^[A-Za-z][A-Za-z0-9._-]*$/.test(value)) throw malformed('invalid encoding name');
            this.#declExpects = 4;
            this.#declEncoding = value;
            break;
          default:
            if (value !== 'yes' && value !== 'no') throw malformed('standalone value must be "yes" or "no"');
            this.#declExpects = 0;
        }
        this.#declName = '';
        this.#state = DECL_SEP;
        return true;
      }
      case DECL_SEP:
        if (c === QUESTION) this.#state = DECL_ENDING;
        else if (!isSCode(c)) throw malformed('whitespace required');
        else this.#state = DECL_NAME_START;
        return true;
      default: {
        // DECL_ENDING
        this.#xmlDeclPossible = false;
        if (c !== GT) throw malformed('The character ? is disallowed anywhere in XML declarations');
        if ((this.#declExpects & 1) !== 0) throw malformed('XML declaration must contain a version');
        const version = this.#declVersion;
        const encoding = this.#declEncoding;
        checkXmlDecl(version, encoding);
        this.#declName = '';
        this.#piTarget = '';
        this.#text = '';
        this.#state = TEXT;
        return true;
      }
    }
  }

  /**
   * SECURITY: a DOCTYPE is refused (XML_DTD) once it ends or at the end of the current saxes write, whichever comes
   * first; until then saxes reads it, and a disallowed character or `--` inside a comment of it is XML_MALFORMED.
   */
  #doctype(): boolean {
    const c = this.#next();
    switch (this.#state) {
      case DOCTYPE:
        if (c === GT) throw dtdError();
        if (c === LBRACKET) this.#state = DTD;
        else if (c === DQUOTE || c === SQUOTE) {
          this.#q = c;
          this.#state = DOCTYPE_QUOTE;
        }
        return true;
      case DOCTYPE_QUOTE:
        if (c === this.#q) this.#state = DOCTYPE;
        return true;
      case DTD:
        if (c === RBRACKET) this.#state = DOCTYPE;
        else if (c === LT) this.#state = DTD_OPEN_WAKA;
        else if (c === DQUOTE || c === SQUOTE) {
          this.#q = c;
          this.#state = DTD_QUOTED;
        }
        return true;
      case DTD_QUOTED:
        if (c === this.#q) this.#state = DTD;
        return true;
      case DTD_OPEN_WAKA:
        if (c === BANG) {
          this.#state = DTD_OPEN_WAKA_BANG;
          this.#openWakaBang = '';
        } else this.#state = c === QUESTION ? DTD_PI : DTD;
        return true;
      case DTD_OPEN_WAKA_BANG: {
        const owb = (this.#openWakaBang += String.fromCodePoint(c));
        if (owb !== '-') {
          this.#state = owb === '--' ? DTD_COMMENT : DTD;
          this.#openWakaBang = '';
        }
        return true;
      }
      case DTD_COMMENT:
        if (c === MINUS) this.#state = DTD_COMMENT_ENDING;
        return true;
      case DTD_COMMENT_ENDING:
        this.#state = c === MINUS ? DTD_COMMENT_ENDED : DTD_COMMENT;
        return true;
      case DTD_COMMENT_ENDED:
        if (c !== GT) throw malformed('malformed comment');
        this.#state = DTD;
        return true;
      case DTD_PI:
        if (c === QUESTION) this.#state = DTD_PI_ENDING;
        return true;
      default:
        // DTD_PI_ENDING: saxes stays here until a `>`.
        if (c === GT) this.#state = DTD;
        return true;
    }
  }

  // ---- XmlParser's handler-side checks ----

  #emitText(text: string): void {
    // Whitespace outside the root is not part of any c14n output; anything else there was refused.
    if (this.#stack.length === 0 || text.length === 0) return;
    this.#textRun += text.length;
    this.#checkText(0, 'text');
    this.#handler.text(text);
  }

  #checkText(length: number, what: string): void {
    checkText(this.#textRun + length, this.#limits, what);
  }
}

/**
 * The end of the whole words of plain text from `i` (4-aligned in the buffer under `words`) on: printable ASCII
 * other than `<`, `>` and `&`. PERF: the byte loop was most of the time spent in base64 text (CipherValue): the
 * protected 8.7 KB echo message parsed in 36 → 31 µs with this (no-op handler, interleaved A/B). The word test is
 * (0x3C | 2 = 0x3E, and once the range test rules out bytes >= 0x80, a zero byte v shows as
 * (v - 0x01010101) & 0x80808080; borrows only add false alarms, which the byte loop then reads).
 */
function plainTextEnd(words: Uint32Array, off: number, i: number, limit: number): number {
  let w = (off + i) >> 2;
  const wordEnd = (off + limit) >> 2;
  while (w < wordEnd) {
    const x = words[w]!;
    const lg = (x | 0x02020202) ^ 0x3e3e3e3e;
    const amp = x ^ 0x26262626;
    if (((x | (x - 0x20202020) | (lg - 0x01010101) | (amp - 0x01010101)) & 0x80808080) !== 0) break;
    w++;
  }
  return (w << 2) - off;
}

/** As plainTextEnd, for attribute values: printable ASCII but `"`, `'`, `&` and `<` (0x22 | 4 = 0x26 | 1 = 0x27). */
function plainValueEnd(words: Uint32Array, off: number, i: number, limit: number): number {
  let w = (off + i) >> 2;
  const wordEnd = (off + limit) >> 2;
  while (w < wordEnd) {
    const x = words[w]!;
    const dq = (x | 0x04040404) ^ 0x26262626;
    const sq = (x | 0x01010101) ^ 0x27272727;
    const lt = x ^ 0x3c3c3c3c;
    if (((x | (x - 0x20202020) | (dq - 0x01010101) | (sq - 0x01010101) | (lt - 0x01010101)) & 0x80808080) !== 0) break;
    w++;
  }
  return (w << 2) - off;
}

/** Number of `]` ending the raw text [a, b) (0–2); `carried` continues the count of the text before `a`. */
function trailingBrackets(buf: Uint8Array, a: number, b: number, carried: number): number {
  let n = 0;
  while (n < 2 && b - n - 1 >= a && buf[b - n - 1] === RBRACKET) n++;
  if (n < 2 && b - n === a) n = Math.min(2, n + carried);
  return n;
}

/**
 * Length of the valid UTF-8 sequence at `i` ending before `end` (WHATWG UTF-8 decoder, fatal: no overlong forms,
 * surrogates or values above U+10FFFF), or 0 when it is invalid or truncated.
 */
function validSequence(buf: Uint8Array, i: number, end: number): number {
  const b = buf[i]!;
  if (b < 0x80) return 1;
  if (b < 0xc2 || b > 0xf4) return 0;
  if (b < 0xe0) return i + 1 < end && (buf[i + 1]! & 0xc0) === 0x80 ? 2 : 0;
  const b1 = buf[i + 1]!;
  if (b < 0xf0) {
    if (i + 2 >= end || b1 < (b === 0xe0 ? 0xa0 : 0x80) || b1 > (b === 0xed ? 0x9f : 0xbf) || (buf[i + 2]! & 0xc0) !== 0x80) return 0;
    return 3;
  }
  if (i + 3 >= end || b1 < (b === 0xf0 ? 0x90 : 0x80) || b1 > (b === 0xf4 ? 0x8f : 0xbf)) return 0;
  return (buf[i + 2]! & 0xc0) === 0x80 && (buf[i + 3]! & 0xc0) === 0x80 ? 4 : 0;
}

/** SPEC: U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML 1.0 [2] Chars. */
function isNonChar(buf: Uint8Array, i: number): boolean {
  return buf[i] === 0xef && buf[i + 1] === 0xbf && buf[i + 2]! >= 0xbe;
}

function encodingError(at: number): XmlError {
  return new XmlError('XML_ENCODING', `invalid UTF-8 at byte ${at}`);
}
