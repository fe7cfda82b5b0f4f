// WS-SecureConversation 1.3 §7 (Derived Key Token, P_SHA1 key derivation) as WCF writes and reads it (protocol.md §2.1-§2.2).
import { auto } from '../crypto/auto.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { randomBytes } from '../crypto/random.js';
import { encodeBase64 } from '../dsig/base64.js';
import { TokenError } from '../errors.js';
import { parseScTokenReference, writeScTokenReference, type ParsedScTokenReference, type ScTokenReference } from './token-reference.js';
import { DEFAULT_LABEL, WSSE_NAMESPACE, WSU_NAMESPACE, versionOfScNamespace, type WsscVersion } from './versions.js';
import {
  FragmentWriter,
  attr,
  base64Content,
  elementContent,
  readBodyElement,
  textContent,
  unsignedContent,
  utf8,
  type AttrSpec,
  type ReadOptions,
  type TreeElement,
} from './xml-io.js';

/** SPEC: WCF's DerivedKeySecurityToken.DefaultDerivedKeyLength: a DKT without Length derives 32 bytes. */
export const DEFAULT_DERIVED_KEY_LENGTH = 32;
/** WCF's DerivedKeySecurityToken.DefaultNonceLength. */
export const DEFAULT_NONCE_LENGTH = 16;

export interface DerivedKeyToken {
  readonly version: WsscVersion;
  /** wsu:Id (WCF always writes one: signatures and encryptions point at the DKT through it). */
  readonly id?: string;
  /** The base key: an SCT (by `#wsu:Id` or Identifier), an EncryptedKey… */
  readonly reference: ScTokenReference | ParsedScTokenReference;
  /** Byte position in the P_SHA1 stream, when written as Offset. */
  readonly offset?: number;
  /** Fixed-size key generation, when written as Generation: position = generation × length. */
  readonly generation?: number;
  /** Derived key length in bytes. */
  readonly length: number;
  /** Absent = the default label. SPEC: never emitted toward WCF (protocol.md §2.2). */
  readonly label?: string;
  readonly nonce: Uint8Array;
}

/** What a received DKT may ask for (WCF's reader limits, protocol.md §2.2). */
export interface DerivedKeyLimits {
  /** Largest start position, whether written as Offset or as Generation × Length (WCF: 64). */
  maxOffset: number;
  /** Largest Length in bytes (WCF: the suite's largest derivation length; 32 for every WCF suite). */
  maxLength: number;
  /** Shortest nonce in bytes (WCF writes 16). */
  minNonceLength: number;
  /** Longest nonce in bytes (WCF: 128). */
  maxNonceLength: number;
  /** Longest label in characters (WCF: 128). */
  maxLabelLength: number;
  /**
   * `'any'`: any label up to maxLabelLength, as WCF accepts; `'default-only'`: a Label other than the default is
   * refused (no peer of ours sends one).
   */
  labelPolicy: 'any' | 'default-only';
}

export const DEFAULT_DERIVED_KEY_LIMITS: Readonly<DerivedKeyLimits> = Object.freeze({
  maxOffset: 64,
  maxLength: 64,
  minNonceLength: 16,
  maxNonceLength: 128,
  maxLabelLength: 128,
  labelPolicy: 'any',
});

const structure = (message: string): TokenError => new TokenError('TOKEN_STRUCTURE', message);

/** The byte position of the key in the P_SHA1 stream: Offset, or Generation × Length (WS-SC 1.3 §7.3), or 0. */
export function derivedKeyOffset(dkt: Pick<DerivedKeyToken, 'offset' | 'generation' | 'length'>): number {
  if (dkt.offset !== undefined) return dkt.offset;
  if (dkt.generation !== undefined) return dkt.generation * dkt.length;
  return 0;
}

export interface NewDerivedKeyOptions {
  version: WsscVersion;
  reference: ScTokenReference;
  id?: string;
  /** Bytes; default 32. For Basic256, WCF signs with 24 and encrypts with 32 (protocol.md §2.5). */
  length?: number;
  offset?: number;
  generation?: number;
  label?: string;
  /** Default 16 random bytes. */
  nonce?: Uint8Array;
  random?: (n: number) => Uint8Array;
}

/** A fresh DKT description with a random nonce (WCF's parameters unless told otherwise). */
export function newDerivedKeyToken(options: NewDerivedKeyOptions): DerivedKeyToken {
  const length = options.length ?? DEFAULT_DERIVED_KEY_LENGTH;
  checkInteger(length, 'length', 1);
  if (options.offset !== undefined && options.generation !== undefined) throw new RangeError('a DKT has Offset or Generation, not both');
  if (options.offset !== undefined) checkInteger(options.offset, 'offset', 0);
  if (options.generation !== undefined) checkInteger(options.generation, 'generation', 0);
  const nonce = options.nonce ?? (options.random ?? randomBytes)(DEFAULT_NONCE_LENGTH);
  if (nonce.length === 0) throw new RangeError('a DKT needs a nonce');
  const out: {
    version: WsscVersion;
    reference: ScTokenReference;
    length: number;
    nonce: Uint8Array;
    id?: string;
    offset?: number;
    generation?: number;
    label?: string;
  } = { version: options.version, reference: options.reference, length, nonce };
  if (options.id !== undefined) out.id = options.id;
  if (options.offset !== undefined) out.offset = options.offset;
  if (options.generation !== undefined) out.generation = options.generation;
  if (options.label !== undefined) out.label = options.label;
  return out;
}

function checkInteger(n: number, what: string, min: number): void {
  if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`DKT ${what} must be an integer >= ${min}`);
}

/**
 * Writes the DKT as WCF does (WSSecureConversation.cs, protocol.md §2.2): wsu:Id, the STR, then Offset (or
 * Generation) and Length only when the position is not 0 or the length not 32 (Length itself only when not 32),
 * Label when one is set, Nonce. No Algorithm attribute (P_SHA1 is implied), no Properties.
 */
export function writeDerivedKeyToken(w: FragmentWriter, dkt: DerivedKeyToken): void {
  const v = dkt.version;
  if (dkt.offset !== undefined && dkt.generation !== undefined) throw new RangeError('a DKT has Offset or Generation, not both');
  checkInteger(dkt.length, 'length', 1);
  const attrs: AttrSpec[] = dkt.id === undefined ? [] : [['u:Id', dkt.id, WSU_NAMESPACE]];
  w.open(v.scPrefix, 'DerivedKeyToken', v.sc, attrs);
  writeScTokenReference(w, dkt.reference, v);
  const offset = dkt.offset ?? 0;
  const generation = dkt.generation ?? 0;
  if (generation > 0 || offset > 0 || dkt.length !== DEFAULT_DERIVED_KEY_LENGTH) {
    if (dkt.generation !== undefined) w.leaf(v.scPrefix, 'Generation', v.sc, String(dkt.generation));
    else w.leaf(v.scPrefix, 'Offset', v.sc, String(offset));
    if (dkt.length !== DEFAULT_DERIVED_KEY_LENGTH) w.leaf(v.scPrefix, 'Length', v.sc, String(dkt.length));
  }
  // SPEC: the schema's element name, not WCF's misnamed `Generation` (protocol.md §2.2).
  if (dkt.label !== undefined) w.leaf(v.scPrefix, 'Label', v.sc, dkt.label);
  w.leaf(v.scPrefix, 'Nonce', v.sc, encodeBase64(dkt.nonce));
  w.close();
}

/** The DKT as UTF-8 bytes; `inScope` lists the prefix bindings already in force where it will be placed. */
export function buildDerivedKeyToken(dkt: DerivedKeyToken, inScope?: Record<string, string>): Uint8Array {
  const w = new FragmentWriter(inScope);
  writeDerivedKeyToken(w, dkt);
  return utf8(w.toString());
}

export interface ParseDerivedKeyOptions extends ReadOptions {
  version?: WsscVersion;
  dktLimits?: Partial<DerivedKeyLimits>;
}

// Order of the optional children (WS-SC 1.3 XSD): (Generation | Offset)? Length? Label? Nonce?
const STAGE_POSITION = 1;
const STAGE_LENGTH = 2;
const STAGE_LABEL = 3;
const STAGE_NONCE = 4;

/**
 * Reads a `DerivedKeyToken` element and refuses what a hostile peer could ask for.
 * SECURITY: Offset / Generation × Length, Length, nonce and label sizes are bounded before any key is derived,
 * so a DKT cannot make the receiver compute a long P_SHA1 stream (WCF's limits: 64, suite maximum, 128, 128).
 * @throws TokenError TOKEN_VERSION, TOKEN_STRUCTURE, TOKEN_REFERENCE, DKT_ALGORITHM, DKT_PROPERTIES,
 *   DKT_GENERATION_AND_OFFSET, DKT_OFFSET_LIMIT, DKT_LENGTH_LIMIT, DKT_NONCE_MISSING, DKT_NONCE_LENGTH, DKT_LABEL.
 */
export function parseDerivedKeyTokenElement(
  node: TreeElement,
  options: { version?: WsscVersion; dktLimits?: Partial<DerivedKeyLimits> } = {},
): DerivedKeyToken {
  const limits: DerivedKeyLimits = { ...DEFAULT_DERIVED_KEY_LIMITS, ...options.dktLimits };
  const version = versionOfScNamespace(node.el.uri);
  if (version === undefined || node.el.local !== 'DerivedKeyToken') {
    throw new TokenError('TOKEN_VERSION', `expected a DerivedKeyToken, found {${node.el.uri}}${node.el.local}`);
  }
  if (options.version !== undefined && options.version !== version) {
    throw new TokenError('TOKEN_VERSION', `DerivedKeyToken of WS-SC ${version.name}, expected ${options.version.name}`);
  }
  const algorithm = attr(node, 'Algorithm');
  if (algorithm !== undefined && algorithm !== version.pSha1) throw new TokenError('DKT_ALGORITHM', `DerivedKeyToken Algorithm ${algorithm} is not P_SHA1`);

  const kids = elementContent(node, structure);
  const first = kids[0];
  if (first === undefined || first.el.uri !== WSSE_NAMESPACE || first.el.local !== 'SecurityTokenReference') {
    throw new TokenError('TOKEN_REFERENCE', 'DerivedKeyToken without SecurityTokenReference');
  }
  const reference = parseScTokenReference(first, version);
  let stage = 0;
  let offset: number | undefined;
  let generation: number | undefined;
  let length: number | undefined;
  let label: string | undefined;
  let nonceNode: TreeElement | undefined;
  const advance = (to: number, name: string): void => {
    if (stage >= to) throw structure(`${name} out of order or repeated in DerivedKeyToken`);
    stage = to;
  };
  for (let i = 1; i < kids.length; i++) {
    const k = kids[i]!;
    if (k.el.uri !== version.sc) throw structure(`unexpected ${k.el.name} in DerivedKeyToken`);
    switch (k.el.local) {
      case 'Properties':
        throw new TokenError('DKT_PROPERTIES', 'DerivedKeyToken Properties are not supported');
      case 'Offset':
        if (generation !== undefined) throw new TokenError('DKT_GENERATION_AND_OFFSET', 'DerivedKeyToken has both Generation and Offset');
        advance(STAGE_POSITION, 'Offset');
        offset = unsignedContent(k, structure);
        break;
      case 'Generation': {
        const text = textContent(k, structure);
        if (/^[ \t\r\n]*\+?[0-9]+[ \t\r\n]*$/.test(text)) {
          if (offset !== undefined) throw new TokenError('DKT_GENERATION_AND_OFFSET', 'DerivedKeyToken has both Generation and Offset');
          advance(STAGE_POSITION, 'Generation');
          generation = unsignedContent(k, structure);
        } else {
          // SPEC: WCF writes a set Label inside an element named Generation (protocol.md §2.2): tolerated as the Label.
          if (/^[ \t\r\n]*$/.test(text)) throw structure('empty Generation in DerivedKeyToken');
          advance(STAGE_LABEL, 'Label');
          label = text;
        }
        break;
      }
      case 'Length':
        advance(STAGE_LENGTH, 'Length');
        length = unsignedContent(k, structure);
        break;
      case 'Label':
        advance(STAGE_LABEL, 'Label');
        label = textContent(k, structure);
        break;
      case 'Nonce':
        advance(STAGE_NONCE, 'Nonce');
        nonceNode = k;
        break;
      default:
        throw structure(`unexpected ${k.el.name} in DerivedKeyToken`);
    }
  }

  const len = length ?? DEFAULT_DERIVED_KEY_LENGTH;
  if (len === 0 || len > limits.maxLength) throw new TokenError('DKT_LENGTH_LIMIT', `DerivedKeyToken Length ${len} outside 1..${limits.maxLength}`);
  if (offset !== undefined && offset > limits.maxOffset) {
    throw new TokenError('DKT_OFFSET_LIMIT', `DerivedKeyToken Offset ${offset} over ${limits.maxOffset}`);
  }
  if (generation !== undefined && generation * len > limits.maxOffset) {
    throw new TokenError('DKT_OFFSET_LIMIT', `DerivedKeyToken Generation ${generation} × Length ${len} over ${limits.maxOffset}`);
  }
  if (label !== undefined) {
    if (label.length > limits.maxLabelLength) throw new TokenError('DKT_LABEL', `DerivedKeyToken Label longer than ${limits.maxLabelLength}`);
    if (limits.labelPolicy === 'default-only' && label !== DEFAULT_LABEL) throw new TokenError('DKT_LABEL', 'DerivedKeyToken Label other than the default');
  }
  if (nonceNode === undefined) throw new TokenError('DKT_NONCE_MISSING', 'DerivedKeyToken without Nonce');
  // SECURITY: bound the text before decoding it (base64 of n bytes is 4⌈n/3⌉ characters).
  const nonceText = textContent(nonceNode, structure).replace(/[ \t\r\n]+/g, '');
  if (nonceText.length > 4 * Math.ceil(limits.maxNonceLength / 3)) {
    throw new TokenError('DKT_NONCE_LENGTH', `DerivedKeyToken Nonce longer than ${limits.maxNonceLength} bytes`);
  }
  const nonce = base64Content(nonceNode, structure);
  if (nonce.length < limits.minNonceLength || nonce.length > limits.maxNonceLength) {
    throw new TokenError('DKT_NONCE_LENGTH', `DerivedKeyToken Nonce of ${nonce.length} bytes outside ${limits.minNonceLength}..${limits.maxNonceLength}`);
  }

  const out: {
    version: WsscVersion;
    reference: ParsedScTokenReference;
    length: number;
    nonce: Uint8Array;
    id?: string;
    offset?: number;
    generation?: number;
    label?: string;
  } = { version, reference, length: len, nonce };
  const id = attr(node, 'Id', WSU_NAMESPACE);
  if (id !== undefined) out.id = id;
  if (offset !== undefined) out.offset = offset;
  if (generation !== undefined) out.generation = generation;
  if (label !== undefined) out.label = label;
  return out;
}

/** Reads a DKT from bytes: the element itself, or the one Body child of a SOAP envelope. */
export function parseDerivedKeyToken(input: Uint8Array, options: ParseDerivedKeyOptions = {}): DerivedKeyToken {
  const node = readBodyElement(input, structure, options);
  const o: { version?: WsscVersion; dktLimits?: Partial<DerivedKeyLimits> } = {};
  if (options.version !== undefined) o.version = options.version;
  if (options.dktLimits !== undefined) o.dktLimits = options.dktLimits;
  return parseDerivedKeyTokenElement(node, o);
}

let defaultLabelBytes: Uint8Array | undefined;

/**
 * The derived key: bytes [position, position + Length) of P_SHA1(secret, label ‖ nonce) (WS-SC 1.3 §7; the label
 * is UTF-8, the default one when the DKT has none). `secret` is the base key (the SCT key, an EncryptedKey's key).
 */
export function deriveKey(dkt: DerivedKeyToken, secret: Uint8Array, provider: CryptoProvider = auto): Uint8Array {
  if (secret.length === 0) throw new RangeError('empty base key');
  const offset = derivedKeyOffset(dkt);
  checkInteger(dkt.length, 'length', 1);
  checkInteger(offset, 'offset', 0);
  const label = dkt.label === undefined ? (defaultLabelBytes ??= utf8(DEFAULT_LABEL)) : utf8(dkt.label);
  const seed = new Uint8Array(label.length + dkt.nonce.length);
  seed.set(label, 0);
  seed.set(dkt.nonce, label.length);
  return provider.pHash('sha1', secret, seed, dkt.length, offset);
}
