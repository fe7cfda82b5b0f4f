// XMLDSig 1.1 §3.2 core validation (reference and signature validation) under the rejection checklist of xml-security.md §1.5.
import { CollectSink, type ByteSink } from '../c14n/sink.js';
import { DigestSink } from '../c14n/digest-sink.js';
import { IdIndex } from '../c14n/id-index.js';
import { NodeSetRouter, type NodeSetTarget } from '../c14n/node-set-router.js';
import { parsePrefixList } from '../c14n/prefix-list.js';
import { auto } from '../crypto/index.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { SignatureError } from '../errors.js';
import type { NamespaceContext, XmlElement, XmlHandler } from '../xml/events.js';
import type { XmlLimits } from '../xml/limits.js';
import { EventLog, replayEvents } from '../xml/event-log.js';
import { XmlParser } from '../xml/parser.js';
import { endOfStartTag } from '../xml/splice.js';
import { DSIG_NAMESPACE, type SignatureAlgorithm } from './algorithms.js';
import { decodeBase64 } from './base64.js';
import { rsaVerify, type VerificationKey } from './keys.js';
import { elementContent, expectDs, parseSignedInfo, textOnly, type C14nStep, type ParsedSignedInfo } from './signed-info.js';
import { EnvelopedFilter, SubtreeCollector, TeeHandler, attribute, type TreeElement } from './tree.js';

export interface VerifyOptions {
  /** The trusted key; its kind decides which SignatureMethods are acceptable. */
  key: VerificationKey;
  /** Further restricts the signature algorithms accepted (default: all four of the allow-list that fit the key). */
  algorithms?: readonly SignatureAlgorithm[];
  /**
   * Picks the Signature to verify among the document's ds:Signature elements, given each one and its parent
   * (default: all of them). SECURITY: exactly one may be picked, else SIGNATURE_STRUCTURE (or SIGNATURE_NOT_FOUND).
   */
  signature?: (signature: XmlElement, parent: XmlElement | null) => boolean;
  /** Keep each reference's canonical bytes in the result (what was actually digested). Default false. */
  keepCanonical?: boolean;
  provider?: CryptoProvider;
  limits?: Partial<XmlLimits>;
}

/** One verified reference: what was covered and where it lies in the input. */
export interface VerifiedReference {
  /** `""` or `#id`, as in the SignedInfo. */
  readonly uri: string;
  /** The Id (`''` for the whole document). */
  readonly id: string;
  /** The referenced element (null for the whole document). */
  readonly element: { readonly name: string; readonly namespace: string; readonly local: string } | null;
  /** Byte range of the referenced element in the input (the whole input for `""`). */
  readonly byteStart: number;
  readonly byteEnd: number;
  readonly transforms: readonly string[];
  readonly digestAlgorithm: string;
  readonly digest: Uint8Array;
  readonly canonicalLength: number;
  /** The canonical bytes that were digested, when `keepCanonical` was set. */
  readonly canonical?: Uint8Array;
}

export interface VerificationResult {
  readonly signatureAlgorithm: string;
  readonly canonicalizationAlgorithm: string;
  /** Byte range of the ds:Signature element. */
  readonly signature: { readonly byteStart: number; readonly byteEnd: number };
  /** The canonical SignedInfo that the signature value covers (references were read from these bytes). */
  readonly signedInfo: Uint8Array;
  /** Every reference, each verified, in SignedInfo order (never empty). */
  readonly references: readonly VerifiedReference[];
  /** The Ids of the verified elements, in reference order (`''` stands for the whole document). */
  readonly ids: readonly string[];
}

/** Largest input whose parse events verifySignature keeps for its digest pass (larger inputs are parsed twice). */
const REPLAY_MAX_BYTES = 1 << 20;
const LT = 0x3c;
const SLASH = 0x2f;

const structure = (message: string): SignatureError => new SignatureError('SIGNATURE_STRUCTURE', message);
const isDs = (el: XmlElement, local: string): boolean => el.uri === DSIG_NAMESPACE && el.local === local;

/**
 * Verifies the one ds:Signature of `input` with `options.key` and returns what it covers; throws otherwise.
 *
 * Refused (SignatureError codes): no Signature (`SIGNATURE_NOT_FOUND`); several Signatures, several or misplaced
 * SignedInfo, wrong child order, non-text DigestValue/SignatureValue, bad base64 (`SIGNATURE_STRUCTURE`); algorithms
 * outside the allow-list or not matching the key, XPath/XSLT and other transforms (`ALGORITHM_NOT_ALLOWED`);
 * HMACOutputLength other than full length (`HMAC_TRUNCATED`); URIs other than `""`/`#NCName` (`REFERENCE_URI`);
 * Ids that resolve to nothing (`REFERENCE_UNRESOLVED`); wrong MAC/signature (`SIGNATURE_MISMATCH`); wrong digest
 * (`DIGEST_MISMATCH`). The parser's XmlError (malformed, DTD, several roots…) and C14nError `DUPLICATE_ID` pass
 * through unchanged.
 * @example
 *   const r = verifySignature(bytes, { key: { kind: 'hmac', secret } });
 *   r.ids // ['_0', '_1']
 */
export function verifySignature(input: Uint8Array, options: VerifyOptions): VerificationResult {
  const key = options.key;
  if (key === undefined || (key.kind !== 'hmac' && key.kind !== 'rsa')) throw new SignatureError('KEY_UNUSABLE', 'a verification key is required');
  const parserOptions = options.limits === undefined ? {} : { limits: options.limits };

  // Pass 1: the Signature subtree (and, SECURITY A1/A12, every Id of the document: a duplicate is refused here,
  // before anything else is looked at).
  const ids = new IdIndex();
  let signatures = 0;
  const pick = options.signature ?? (() => true);
  const collector = new SubtreeCollector((el, _inside, parent) => {
    if (!isDs(el, 'Signature') || !pick(el, parent)) return false;
    signatures++;
    return true;
  });
  const indexer: XmlHandler = {
    startElement: (el: XmlElement, _ns: NamespaceContext) => void ids.add(el),
    endElement: () => {},
    text: () => {},
    comment: () => {},
    processingInstruction: () => {},
  };
  // PERF: the parse's events are kept and replayed for the digest pass instead of a second parse of the input:
  // verifySignature of a 6-reference echo envelope (5 KB) 128.3 → 102.7 µs (CPU, medians of 30 interleaved rounds).
  // SECURITY: the log holds the document again (strings and elements): only up to REPLAY_MAX_BYTES of input, so a
  // large document costs a second parse rather than twice its memory.
  const log = input.length <= REPLAY_MAX_BYTES ? new EventLog() : undefined;
  parseAll(input, new TeeHandler(log === undefined ? [indexer, collector] : [indexer, collector, log]), parserOptions);
  if (signatures === 0) throw new SignatureError('SIGNATURE_NOT_FOUND', 'the document has no (selected) ds:Signature');
  // SECURITY: one signature per verification keeps "which signature covers what" unambiguous for the caller.
  if (signatures > 1) throw structure(`${signatures} ds:Signature elements are selected (exactly one is accepted)`);
  const sig = collector.roots[0]!;
  // SECURITY: the replay is this parse's event stream, under the same limits (verifyCollectedSignature's EventSource).
  const events: EventSource | undefined = log === undefined ? undefined
    : (handler, limits) => replayEvents(log, handler, { length: input.length, ...(limits === undefined ? {} : { limits }) });
  return verifyCollectedSignature(input, { tree: sig, source: input, byteStart: sig.el.byteStart }, options, events);
}

/** A ds:Signature the caller has already read: its subtree, the bytes its offsets index, and where it lies in the input. */
export interface CollectedSignature {
  /** The ds:Signature subtree (as SubtreeCollector builds it). */
  readonly tree: TreeElement;
  /** The bytes `tree`'s offsets refer to (the input itself, or e.g. the decrypted fragment the Signature came from). */
  readonly source: Uint8Array;
  /** Offset of the Signature's `<` in the input; its bytes there must be exactly those of `source`. */
  readonly byteStart: number;
}

/**
 * Delivers to `handler` the events a parse of the input would report, under `limits` (the verification's), in
 * place of that parse. SECURITY: it must be that parse's event stream (elements with their names, URIs,
 * attributes, declarations, depths and byte offsets in the input; texts in order, possibly split; the same limits
 * refused), e.g. replayEvents over the logs of the parses the input was assembled from.
 */
export type EventSource = (handler: XmlHandler, limits: Partial<XmlLimits> | undefined) => void;

/**
 * Verifies `signature`, a ds:Signature of `input` the caller has already located and chosen (SECURITY: the caller
 * decides that this one Signature is the one to verify, as `options.signature` does in verifySignature), in one
 * parse of `input`: every reference digested and the SignedInfo canonicalized in place as the parser goes.
 *
 * SECURITY (A4): the references are digested as the Signature's own SignedInfo states them, and then the SignedInfo
 * is read again from its canonical bytes (the ones the signature value covers); anything read differently there
 * (algorithms, URIs, transforms, PrefixLists, digest values) is refused, so what was digested is what is signed.
 * The Signature must be an element of `input` at `byteStart` with exactly `source`'s bytes, its SignedInfo a child.
 * `options.signature` is not used. Refusals and codes as verifySignature; Id duplicates are refused in the parse.
 * `events`, when given, stands for that parse of `input` (the canonical SignedInfo is still parsed from its bytes).
 */
export function verifyCollectedSignature(input: Uint8Array, signature: CollectedSignature, options: VerifyOptions, events?: EventSource): VerificationResult {
  const provider = options.provider ?? auto;
  const key = options.key;
  if (key === undefined || (key.kind !== 'hmac' && key.kind !== 'rsa')) throw new SignatureError('KEY_UNUSABLE', 'a verification key is required');
  const sig = signature.tree;
  const length = sig.el.byteEnd - sig.el.byteStart;
  const sigStart = signature.byteStart;
  const sigEnd = sigStart + length;
  if (sig.el.byteEnd < 0 || sigStart < 0 || sigEnd > input.length || !sameBytes(input, sigStart, signature.source, sig.el.byteStart, length)) {
    throw structure('the Signature is not where the caller said');
  }
  const { signedInfoEl, signatureValue, originalC14n, original } = checkSignatureShape(sig);
  const signedInfoStart = sigStart + (signedInfoEl.byteStart - sig.el.byteStart);

  // The one pass: the references as the original SignedInfo states them, and the SignedInfo itself.
  const signedInfoSink = new CollectSink();
  let sigSeen: XmlElement | null = null;
  let signedInfoSeen = false;
  const signedInfoTarget: NodeSetTarget = {
    match: (el) => {
      if (el.byteStart === sigStart && isDs(el, 'Signature')) sigSeen = el;
      if (el.byteStart !== signedInfoStart) return false;
      const parent = sigSeen as XmlElement | null;
      if (parent === null || el.depth !== parent.depth + 1 || !isDs(el, 'SignedInfo')) return false;
      signedInfoSeen = true;
      return true;
    },
    method: originalC14n.method,
    withComments: originalC14n.withComments,
    inclusivePrefixes: parsePrefixList(originalC14n.prefixList),
    sink: signedInfoSink,
  };
  const source: EventSource = events ?? ((handler, limits) => parseAll(input, handler, limits === undefined ? {} : { limits }));
  const digested = digestPass(original, sigStart, signedInfoTarget, provider, options.keepCanonical === true, (handler) => source(handler, options.limits));
  const seen = sigSeen as XmlElement | null;
  if (!signedInfoSeen || seen === null || seen.byteEnd !== sigEnd) throw structure('the Signature is not where the caller said');
  const signedInfo = signedInfoSink.bytes();

  // Everything below is read from the canonical SignedInfo (SECURITY A4).
  const info = canonicalContentIsOriginal(signedInfo, signature.source, signedInfoEl) ? original : rereadSignedInfo(signedInfo, original);

  checkSignatureValue(info, signedInfo, signatureValue, key, options.algorithms, provider);
  const references = checkReferences(input, info, sigStart, sigEnd, digested, provider);
  // SECURITY (A13): fail closed: a result is returned only when every reference (at least one) was verified.
  if (references.length === 0 || references.length !== info.references.length) throw structure('nothing was verified');
  return {
    signatureAlgorithm: info.signatureAlgorithm,
    canonicalizationAlgorithm: info.canonicalization.algorithm,
    signature: { byteStart: sigStart, byteEnd: sigEnd },
    signedInfo,
    references,
    ids: references.map(idOf),
  };
}

const idOf = (r: VerifiedReference): string => r.id;

/** The SignedInfo read again from its canonical bytes (SECURITY A4), refused unless it reads as `original` does. */
export function rereadSignedInfo(signedInfo: Uint8Array, original: ParsedSignedInfo): ParsedSignedInfo {
  const canonicalTree = new SubtreeCollector((_el, inside) => !inside);
  parseAll(signedInfo, canonicalTree, {});
  const info = parseSignedInfo(canonicalTree.roots[0]!, original);
  if (info.canonicalization.algorithm !== original.canonicalization.algorithm || info.canonicalization.prefixList !== original.canonicalization.prefixList) {
    throw structure('the canonical SignedInfo names another canonicalization');
  }
  if (!sameSignedInfo(info, original)) throw structure('the canonical SignedInfo reads differently from the SignedInfo');
  return info;
}

/**
 * Whether the content of the canonical SignedInfo (between its start and end tags) is byte for byte the content of
 * the SignedInfo element `el` of `source`, as it is for the SignedInfo wssc writes (not for WCF's, which has
 * empty-element tags, nor for the WSS4J peer's in the tests: those are read twice as before).
 * SECURITY (A4): then reading the canonical bytes gives what the reading of the original gave: the same bytes
 * decode to the same names, attributes, texts and entity expansions (no DTD is ever accepted), and every prefix
 * resolves to the same URI. Exc-c14n renders on the SignedInfo start tag the bindings in scope at the original
 * SignedInfo for what that element uses, and renders any other binding a descendant uses on that descendant
 * unless an output ancestor already has it, so a prefix (or the default namespace) inherited from outside the
 * SignedInfo and first used inside it makes the contents differ; so does a comment (dropped), a CR, a character
 * reference, an attribute order or quote, an empty-element tag or whitespace in a tag. Only the start tags may
 * differ, and nothing of the SignedInfo's own start tag but its name is read (parseSignedInfo reads its children).
 * PERF: the re-parse of the canonical SignedInfo and its second reading skipped where they cannot differ:
 * unprotectMessage of the 2 KiB echo request 200 → 184 µs (CPU time; medians of 30 rounds of 200 messages in each of
 * three processes per build, the builds' processes alternating: 199.8 / 197.0 / 202.2 → 187.3 / 183.4 / 182.6).
 */
export function canonicalContentIsOriginal(canonical: Uint8Array, source: Uint8Array, el: XmlElement): boolean {
  if (el.byteStart < 0 || el.byteEnd > source.length || canonical.length === 0) return false;
  const start = endOfStartTag(source, el.byteStart);
  let end = start;
  if (source[start - 2] !== SLASH) {
    // Not an empty-element tag: the content ends at the end tag `</name S?>`, which holds no other '<'.
    end = el.byteEnd - 1;
    while (end > start && source[end] !== LT) end--;
  }
  const canonicalStart = endOfStartTag(canonical, 0);
  const canonicalEnd = canonical.length - el.name.length - 3; // `</` name `>`
  if (canonicalEnd < canonicalStart || canonical[canonicalEnd] !== LT || canonical[canonicalEnd + 1] !== SLASH) return false;
  const n = canonicalEnd - canonicalStart;
  return n === end - start && sameBytes(canonical, canonicalStart, source, start, n);
}

/**
 * Whether `a[at, at + n)` and `b[bt, bt + n)` hold the same bytes (`a` must hold its range). PERF: four bytes per
 * step through DataViews: the echo request's 2.1 KB Signature 2.9 → 1.3 µs (tight loop, CPU time).
 */
function sameBytes(a: Uint8Array, at: number, b: Uint8Array, bt: number, n: number): boolean {
  if (a === b && at === bt) return true;
  if (bt < 0 || bt + n > b.length) return false;
  const x = new DataView(a.buffer, a.byteOffset + at, n);
  const y = new DataView(b.buffer, b.byteOffset + bt, n);
  let i = 0;
  for (; i + 4 <= n; i += 4) if (x.getInt32(i) !== y.getInt32(i)) return false;
  for (; i < n; i++) if (x.getUint8(i) !== y.getUint8(i)) return false;
  return true;
}

function sameStep(a: C14nStep, b: C14nStep): boolean {
  return a.algorithm === b.algorithm && a.method === b.method && a.withComments === b.withComments && a.prefixList === b.prefixList;
}

/** Whether two readings of a SignedInfo agree on everything verification uses. */
function sameSignedInfo(a: ParsedSignedInfo, b: ParsedSignedInfo): boolean {
  if (!sameStep(a.canonicalization, b.canonicalization) || a.signatureAlgorithm !== b.signatureAlgorithm || a.signature.name !== b.signature.name) return false;
  if (a.references.length !== b.references.length) return false;
  for (let i = 0; i < a.references.length; i++) {
    const x = a.references[i]!;
    const y = b.references[i]!;
    if (x.uri !== y.uri || x.id !== y.id || x.enveloped !== y.enveloped || !sameStep(x.c14n, y.c14n)) return false;
    if (x.digestAlgorithm !== y.digestAlgorithm || x.digestAlg !== y.digestAlg) return false;
    if (!sameItems(x.transforms, y.transforms) || !sameItems(x.digestValue, y.digestValue)) return false;
  }
  return true;
}

function sameItems<T>(a: ArrayLike<T>, b: ArrayLike<T>): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function parseAll(input: Uint8Array, handler: XmlHandler, options: { limits?: Partial<XmlLimits> }): void {
  const parser = new XmlParser(handler, options);
  parser.write(input);
  parser.end();
}

/** SPEC: XMLDSig 1.1 §4.1: Signature = SignedInfo, SignatureValue, KeyInfo?, Object*. */
function checkSignatureShape(sig: TreeElement): { signedInfoEl: XmlElement; signatureValue: Uint8Array; originalC14n: C14nStep; original: ParsedSignedInfo } {
  const kids = elementContent(sig);
  const si = expectDs(kids[0], 'SignedInfo', 'Signature');
  const sv = expectDs(kids[1], 'SignatureValue', 'Signature');
  let i = 2;
  if (kids[i] !== undefined && isDs(kids[i]!.el, 'KeyInfo')) i++;
  for (; i < kids.length; i++) expectDs(kids[i], 'Object', 'Signature');
  // SECURITY (A4): exactly one SignedInfo in the whole Signature subtree (a wrapped one inside Object/KeyInfo too).
  const signedInfos = countSignedInfos(sig, si, false);
  if (signedInfos !== 1) throw structure(`${signedInfos} SignedInfo elements (exactly one is accepted)`);
  const signatureValue = decodeBase64(textOnly(sv), 'SignatureValue');
  // The SignedInfo's own method decides how it is canonicalized; parseSignedInfo re-checks it on the canonical form.
  const cm = expectDs(firstElementChild(si), 'CanonicalizationMethod', 'SignedInfo');
  const algorithm = attribute(cm, 'Algorithm') ?? '';
  const parsed = parseSignedInfo(si);
  if (parsed.canonicalization.algorithm !== algorithm) throw structure('inconsistent CanonicalizationMethod');
  return { signedInfoEl: si.el, signatureValue, originalC14n: parsed.canonicalization, original: parsed };
}

/** The ds:SignedInfo elements in `node`'s subtree, checking the text-only elements inside `si` on the way. */
function countSignedInfos(node: TreeElement, si: TreeElement, inSignedInfo: boolean): number {
  let n = isDs(node.el, 'SignedInfo') ? 1 : 0;
  // SECURITY (A5): in the original bytes too, digest values hold text only (c14n would hide a comment).
  if (inSignedInfo && (isDs(node.el, 'DigestValue') || isDs(node.el, 'HMACOutputLength'))) textOnly(node);
  for (const c of node.children) if (c.type === 'element') n += countSignedInfos(c, si, inSignedInfo || c === si);
  return n;
}

function firstElementChild(node: TreeElement): TreeElement | undefined {
  for (const c of node.children) if (c.type === 'element') return c;
  return undefined;
}

function checkSignatureValue(
  info: ParsedSignedInfo,
  signedInfo: Uint8Array,
  value: Uint8Array,
  key: VerificationKey,
  allowed: readonly SignatureAlgorithm[] | undefined,
  provider: CryptoProvider,
): void {
  const method = info.signature;
  // SECURITY (A2, A3): the algorithm must fit the kind of key the caller trusts; KeyInfo is never used.
  if (method.kind !== key.kind) {
    throw new SignatureError('ALGORITHM_NOT_ALLOWED', `${method.name} cannot be verified with a ${key.kind === 'hmac' ? 'symmetric' : 'public'} key`);
  }
  if (allowed !== undefined && !allowed.includes(method.name)) {
    throw new SignatureError('ALGORITHM_NOT_ALLOWED', `${method.name} is not among the allowed algorithms`);
  }
  if (key.kind === 'hmac') {
    const mac = provider.hmacKey(method.hash, key.secret);
    let expected: Uint8Array;
    try {
      expected = mac.mac(signedInfo);
    } finally {
      mac.destroy();
    }
    // SECURITY (A10): constant-time comparison of the raw MAC bytes; lengths are public (full length enforced).
    if (expected.length !== value.length || !provider.equal(expected, value)) {
      throw new SignatureError('SIGNATURE_MISMATCH', 'the signature value does not match');
    }
    return;
  }
  if (!rsaVerify(method.hash, signedInfo, key.publicKey, value)) {
    throw new SignatureError('SIGNATURE_MISMATCH', 'the signature value does not match');
  }
}

/** A sink that hashes and keeps the canonical bytes (keepCanonical); without it the DigestSink is used alone. */
class KeepingSink implements ByteSink {
  readonly #digest: DigestSink;
  readonly collect = new CollectSink();
  constructor(digest: DigestSink) {
    this.#digest = digest;
  }
  write(chunk: Uint8Array): void {
    this.#digest.write(chunk);
    this.collect.write(chunk);
  }
  end(): void {
    this.#digest.end();
    this.collect.end();
  }
}

/** Per reference, in SignedInfo order: its target, digest and (keepCanonical) kept bytes. */
interface Digested {
  readonly targets: readonly NodeSetTarget[];
  readonly digests: readonly DigestSink[];
  readonly kept: readonly KeepingSink[] | null;
  readonly plainRouter: NodeSetRouter;
  readonly envRouter: NodeSetRouter | null;
}

/**
 * The one pass over the document's events (`parse`): every reference of `info` digested (enveloped ones see the
 * events without the Signature subtree, SPEC XMLDSig 1.1 §6.6.4) and `extra` (the SignedInfo) canonicalized, each Id of the document indexed by the
 * routers (a duplicate is refused). Resolution is checked afterwards, by checkReferences.
 */
function digestPass(
  info: ParsedSignedInfo,
  sigStart: number,
  extra: NodeSetTarget,
  provider: CryptoProvider,
  keep: boolean,
  parse: (handler: XmlHandler) => void,
): Digested {
  const plain: NodeSetTarget[] = [extra];
  const enveloped: NodeSetTarget[] = [];
  const targets: NodeSetTarget[] = [];
  const digests: DigestSink[] = [];
  const kept: KeepingSink[] | null = keep ? [] : null;
  for (const ref of info.references) {
    const digest = new DigestSink(provider.createHash(ref.digestAlg));
    let sink: ByteSink = digest;
    if (kept !== null) kept.push((sink = new KeepingSink(digest)));
    const target: NodeSetTarget = {
      id: ref.id === '' ? null : ref.id,
      method: ref.c14n.method,
      // SPEC: XMLDSig 1.1 §4.4.3.3: "" and #id dereference to node-sets without comments, even #WithComments.
      withComments: false,
      inclusivePrefixes: ref.c14n.prefixList === undefined ? [] : parsePrefixList(ref.c14n.prefixList),
      sink,
    };
    (ref.enveloped ? enveloped : plain).push(target);
    targets.push(target);
    digests.push(digest);
  }
  const plainRouter = new NodeSetRouter(plain, { indexIds: true });
  const envRouter = enveloped.length > 0 ? new NodeSetRouter(enveloped, { indexIds: true }) : null;
  parse(envRouter === null ? plainRouter : new TeeHandler([plainRouter, new EnvelopedFilter(envRouter, sigStart)]));
  return { targets, digests, kept, plainRouter, envRouter };
}

/** Resolution, the enveloped-signature placement and the digests of every reference, in SignedInfo order. */
function checkReferences(
  input: Uint8Array,
  info: ParsedSignedInfo,
  sigStart: number,
  sigEnd: number,
  digested: Digested,
  provider: CryptoProvider,
): VerifiedReference[] {
  const { targets, digests, kept, plainRouter, envRouter } = digested;
  const refs = info.references;
  const apexes: (XmlElement | null)[] = [];
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    const apex = (ref.enveloped ? envRouter! : plainRouter).apexOf(targets[i]!);
    if (apex === undefined) throw new SignatureError('REFERENCE_UNRESOLVED', `reference ${ref.uri} resolves to no element`);
    // SPEC: XMLDSig 1.1 §6.6.4 / xml-security.md §1.5 item 7: enveloped only where the Signature lies inside.
    if (ref.enveloped && apex !== null && !(apex.byteStart < sigStart && sigEnd <= apex.byteEnd)) {
      throw new SignatureError('ALGORITHM_NOT_ALLOWED', `enveloped-signature on ${ref.uri}, which does not contain the Signature`);
    }
    apexes.push(apex);
  }
  // Every target was found: this ends the whole-document ones.
  plainRouter.finish();
  envRouter?.finish();
  const out: VerifiedReference[] = [];
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    const sink = digests[i]!;
    const apex = apexes[i]!;
    const digest = sink.digest();
    if (!provider.equal(digest, ref.digestValue)) {
      throw new SignatureError('DIGEST_MISMATCH', `the digest of ${ref.uri === '' ? 'the document' : ref.uri} does not match`);
    }
    const verified: VerifiedReference = {
      uri: ref.uri,
      id: ref.id,
      element: apex === null ? null : { name: apex.name, namespace: apex.uri, local: apex.local },
      byteStart: apex === null ? 0 : apex.byteStart,
      byteEnd: apex === null ? input.length : apex.byteEnd,
      transforms: ref.transforms,
      digestAlgorithm: ref.digestAlgorithm,
      digest,
      canonicalLength: sink.length,
    };
    out.push(kept === null ? verified : { ...verified, canonical: kept[i]!.collect.bytes() });
  }
  return out;
}
