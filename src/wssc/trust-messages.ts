// WS-Trust 1.3 §3-§4 (RST/RSTR), §6 (Renew), §7 (Cancel) and §8.5-§8.7 (Entropy, ComputedKey, Lifetime, KeySize) for SCTs (protocol.md §1.3-§1.5).
import { encodeBase64 } from '../dsig/base64.js';
import { TokenError, TrustError } from '../errors.js';
import { parseSecurityContextTokenElement, writeSecurityContextToken, type SecurityContextToken } from './security-context-token.js';
import {
  parseScTokenReference,
  sctExternalReference,
  sctLocalReference,
  writeScTokenReference,
  type ParsedScTokenReference,
  type ScTokenReference,
} from './token-reference.js';
import { WSSE_NAMESPACE, WSU_NAMESPACE, versionOfTrustNamespace, type WsscVersion } from './versions.js';
import {
  FragmentWriter,
  attr,
  base64Content,
  elementContent,
  isElement,
  readBodyElement,
  textContent,
  trimXml,
  unsignedContent,
  utf8,
  type AttrSpec,
  type ReadOptions,
  type TreeElement,
} from './xml-io.js';

export type RequestKind = 'issue' | 'renew' | 'cancel';

/** SECURITY: entropy longer than this is refused unread (WCF's combined-key range tops out at 16 KiB). */
export const MAX_ENTROPY_BYTES = 1024;

const structure = (message: string): TrustError => new TrustError('TRUST_STRUCTURE', message);

// ---------------------------------------------------------------------------------------------------------------
// Requests

interface RequestCommon {
  version: WsscVersion;
  /** The optional Context attribute; WCF sends none for SCT requests. */
  context?: string;
}

export interface IssueRequest extends RequestCommon {
  /** Client entropy (combined and client entropy modes); absent in server entropy mode. */
  entropy?: Uint8Array;
  /** wsu:Id of the entropy's BinarySecret (WCF writes one). */
  entropyId?: string;
  /** Requested key size in bits; WCF sends the suite's DefaultSymmetricKeyLength (256 for Basic256). Absent = not sent. */
  keySize?: number;
  /** Write `ComputedKeyAlgorithm` P_SHA1 (WS-Trust 1.3 §9.2); WCF does not. */
  computedKeyAlgorithm?: boolean;
  /** Write `TokenType` (default true). */
  tokenType?: boolean;
}

export interface RenewRequest extends IssueRequest {
  /** The SCT to renew: WCF sends the unattached reference (`URI="urn:uuid:…"`). */
  target: ScTokenReference;
}

export interface CancelRequest extends RequestCommon {
  /** The SCT to cancel: WCF sends the unattached reference. */
  target: ScTokenReference;
}

function openRequest(w: FragmentWriter, r: RequestCommon): void {
  const v = r.version;
  const attrs: AttrSpec[] = r.context === undefined ? [] : [['Context', r.context]];
  w.open(v.trustPrefix, 'RequestSecurityToken', v.trust, attrs);
}

function writeEntropy(w: FragmentWriter, v: WsscVersion, entropy: Uint8Array, id: string | undefined): void {
  if (entropy.length === 0) throw new RangeError('empty entropy');
  w.open(v.trustPrefix, 'Entropy', v.trust);
  const attrs: AttrSpec[] = id === undefined ? [] : [['u:Id', id, WSU_NAMESPACE]];
  attrs.push(['Type', v.nonceType]);
  w.leaf(v.trustPrefix, 'BinarySecret', v.trust, encodeBase64(entropy), attrs);
  w.close();
}

function writeKeySize(w: FragmentWriter, v: WsscVersion, bits: number): void {
  if (!Number.isSafeInteger(bits) || bits <= 0) throw new RangeError('KeySize must be a positive integer');
  w.leaf(v.trustPrefix, 'KeySize', v.trust, String(bits));
}

/** WCF's writer order (WSTrust.cs): TokenType, RequestType, Entropy, KeySize, then targets. */
function writeRequest(w: FragmentWriter, r: IssueRequest, requestType: string, target?: [string, ScTokenReference]): void {
  const v = r.version;
  openRequest(w, r);
  if (r.tokenType !== false) w.leaf(v.trustPrefix, 'TokenType', v.trust, v.sctTokenType);
  w.leaf(v.trustPrefix, 'RequestType', v.trust, requestType);
  if (r.entropy !== undefined) writeEntropy(w, v, r.entropy, r.entropyId);
  if (r.keySize !== undefined) writeKeySize(w, v, r.keySize);
  if (r.computedKeyAlgorithm === true) w.leaf(v.trustPrefix, 'ComputedKeyAlgorithm', v.trust, v.computedKeyPSha1);
  if (target !== undefined) {
    w.open(v.trustPrefix, target[0], v.trust);
    writeScTokenReference(w, target[1], v);
    w.close();
  }
  w.close();
}

/** RST/SCT (action `actions.issue`): the body content of an SCT issuance request. */
export function buildIssueRequest(r: IssueRequest, inScope?: Record<string, string>): Uint8Array {
  const w = new FragmentWriter(inScope);
  writeRequest(w, r, r.version.requestTypes.issue);
  return utf8(w.toString());
}

/** RST/SCT/Renew (action `actions.renew`): new entropy and KeySize, RenewTarget = the SCT. */
export function buildRenewRequest(r: RenewRequest, inScope?: Record<string, string>): Uint8Array {
  const w = new FragmentWriter(inScope);
  writeRequest(w, r, r.version.requestTypes.renew, ['RenewTarget', r.target]);
  return utf8(w.toString());
}

/** RST/SCT/Cancel (action `actions.cancel`): RequestType and CancelTarget only, as WCF writes it. */
export function buildCancelRequest(r: CancelRequest, inScope?: Record<string, string>): Uint8Array {
  const w = new FragmentWriter(inScope);
  writeRequest(w, { version: r.version, ...(r.context === undefined ? {} : { context: r.context }), tokenType: false }, r.version.requestTypes.cancel, [
    'CancelTarget',
    r.target,
  ]);
  return utf8(w.toString());
}

export interface ParsedRequest {
  readonly version: WsscVersion;
  readonly requestType: RequestKind;
  readonly context?: string;
  readonly tokenType?: string;
  /** Client entropy (a Nonce BinarySecret). */
  readonly entropy?: Uint8Array;
  readonly keySize?: number;
  readonly computedKeyAlgorithm?: string;
  readonly renewTarget?: ParsedScTokenReference;
  readonly cancelTarget?: ParsedScTokenReference;
}

export interface ParseTrustOptions extends ReadOptions {
  /** The only version accepted; by default the one of the element's namespace. */
  version?: WsscVersion;
}

/** The trust version of `node`, checked against the expected one. */
function trustVersionOf(node: TreeElement, local: string, expected: WsscVersion | undefined): WsscVersion {
  const version = versionOfTrustNamespace(node.el.uri);
  if (version === undefined) throw new TrustError('TRUST_VERSION', `expected a WS-Trust ${local}, found {${node.el.uri}}${node.el.local}`);
  if (node.el.local !== local) throw structure(`expected ${local}, found ${node.el.name}`);
  if (expected !== undefined && expected !== version) {
    throw new TrustError('TRUST_VERSION', `${local} of WS-Trust ${version.name}, expected ${expected.name}`);
  }
  return version;
}

/**
 * The known children of a trust element by local name, each at most once. SPEC: WS-Trust 1.3 §3.1 allows
 * extensions (`xs:any`): unknown elements, and elements of other namespaces (wsp:AppliesTo…), are skipped.
 */
function collect(node: TreeElement, v: WsscVersion, known: readonly string[]): Map<string, TreeElement> {
  const out = new Map<string, TreeElement>();
  for (const k of elementContent(node, structure)) {
    if (k.el.uri !== v.trust) {
      if (versionOfTrustNamespace(k.el.uri) !== undefined) throw new TrustError('TRUST_VERSION', `${k.el.name} of the other WS-Trust version`);
      continue;
    }
    if (!known.includes(k.el.local)) continue;
    if (out.has(k.el.local)) throw structure(`${k.el.name} repeated`);
    out.set(k.el.local, k);
  }
  return out;
}

const uriText = (node: TreeElement): string => trimXml(textContent(node, structure));

/** The one child element of a wrapper such as Entropy, RequestedProofToken or CancelTarget. */
function onlyChild(node: TreeElement): TreeElement {
  const kids = elementContent(node, structure);
  if (kids.length !== 1) throw structure(`${node.el.name} must hold one element, found ${kids.length}`);
  return kids[0]!;
}

/**
 * A `t:Entropy` holding a Nonce BinarySecret.
 * SECURITY: empty or oversized entropy is refused here, before any key is computed from it.
 */
function readEntropy(node: TreeElement, v: WsscVersion): Uint8Array {
  const secret = onlyChild(node);
  if (!isElement(secret, v.trust, 'BinarySecret')) throw structure(`unsupported entropy ${secret.el.name} (only BinarySecret)`);
  const type = attr(secret, 'Type');
  if (type !== undefined && type !== v.nonceType) throw new TrustError('ENTROPY_TYPE', `entropy BinarySecret of Type ${type}, expected Nonce`);
  const bytes = readBase64Bounded(secret, 'entropy');
  if (bytes.length === 0) throw new TrustError('ENTROPY_LENGTH', 'zero-length entropy');
  return bytes;
}

function readBase64Bounded(node: TreeElement, what: string): Uint8Array {
  const text = textContent(node, structure).replace(/[ \t\r\n]+/g, '');
  if (text.length > 4 * Math.ceil(MAX_ENTROPY_BYTES / 3)) throw new TrustError('ENTROPY_LENGTH', `${what} longer than ${MAX_ENTROPY_BYTES} bytes`);
  return base64Content(node, structure);
}

function readKeySize(node: TreeElement): number {
  const bits = unsignedContent(node, structure);
  if (!Number.isFinite(bits)) throw new TrustError('KEY_SIZE', 'KeySize out of range');
  return bits;
}

function readTarget(node: TreeElement, v: WsscVersion): ParsedScTokenReference {
  const ref = onlyChild(node);
  if (!isElement(ref, WSSE_NAMESPACE, 'SecurityTokenReference')) throw structure(`${node.el.name} must hold a SecurityTokenReference`);
  return parseScTokenReference(ref, v);
}

const REQUEST_CHILDREN = ['TokenType', 'RequestType', 'Entropy', 'KeySize', 'ComputedKeyAlgorithm', 'RenewTarget', 'CancelTarget'] as const;

/**
 * Reads a RequestSecurityToken element for an SCT (issue, renew or cancel).
 * @throws TrustError TRUST_STRUCTURE, TRUST_VERSION, REQUEST_TYPE, TOKEN_TYPE, ENTROPY_TYPE, ENTROPY_LENGTH,
 *   KEY_SIZE, COMPUTED_KEY_ALGORITHM; TokenError from the target reference.
 */
export function parseRequestElement(node: TreeElement, options: { version?: WsscVersion; expect?: RequestKind } = {}): ParsedRequest {
  const v = trustVersionOf(node, 'RequestSecurityToken', options.version);
  const kids = collect(node, v, REQUEST_CHILDREN);
  const rt = kids.get('RequestType');
  if (rt === undefined) throw new TrustError('REQUEST_TYPE', 'RequestSecurityToken without RequestType');
  const rtUri = uriText(rt);
  const requestType = (Object.keys(v.requestTypes) as RequestKind[]).find((k) => v.requestTypes[k] === rtUri);
  if (requestType === undefined) throw new TrustError('REQUEST_TYPE', `RequestType ${rtUri} is not Issue, Renew or Cancel of WS-Trust ${v.name}`);
  if (options.expect !== undefined && options.expect !== requestType) {
    throw new TrustError('REQUEST_TYPE', `a ${requestType} request where ${options.expect} was expected`);
  }
  const out: {
    version: WsscVersion;
    requestType: RequestKind;
    context?: string;
    tokenType?: string;
    entropy?: Uint8Array;
    keySize?: number;
    computedKeyAlgorithm?: string;
    renewTarget?: ParsedScTokenReference;
    cancelTarget?: ParsedScTokenReference;
  } = { version: v, requestType };
  const context = attr(node, 'Context');
  if (context !== undefined) out.context = context;
  const tt = kids.get('TokenType');
  if (tt !== undefined) {
    out.tokenType = uriText(tt);
    if (out.tokenType !== v.sctTokenType) throw new TrustError('TOKEN_TYPE', `TokenType ${out.tokenType} is not the SCT of WS-SC ${v.name}`);
  }
  const entropy = kids.get('Entropy');
  const keySize = kids.get('KeySize');
  const cka = kids.get('ComputedKeyAlgorithm');
  const renewTarget = kids.get('RenewTarget');
  const cancelTarget = kids.get('CancelTarget');
  if (requestType === 'cancel') {
    if (entropy !== undefined || keySize !== undefined || renewTarget !== undefined) throw structure('a Cancel request carries only a CancelTarget');
    if (cancelTarget === undefined) throw structure('a Cancel request without CancelTarget');
    out.cancelTarget = readTarget(cancelTarget, v);
    return out;
  }
  if (cancelTarget !== undefined) throw structure(`CancelTarget in a ${requestType} request`);
  if (requestType === 'renew') {
    if (renewTarget === undefined) throw structure('a Renew request without RenewTarget');
    out.renewTarget = readTarget(renewTarget, v);
  } else if (renewTarget !== undefined) {
    throw structure('RenewTarget in an Issue request');
  }
  if (entropy !== undefined) out.entropy = readEntropy(entropy, v);
  if (keySize !== undefined) out.keySize = readKeySize(keySize);
  if (cka !== undefined) {
    out.computedKeyAlgorithm = uriText(cka);
    if (out.computedKeyAlgorithm !== v.computedKeyPSha1) {
      throw new TrustError('COMPUTED_KEY_ALGORITHM', `ComputedKeyAlgorithm ${out.computedKeyAlgorithm} is not P_SHA1 of WS-Trust ${v.name}`);
    }
  }
  return out;
}

/** Reads an RST from bytes: the element itself, or the one Body child of a SOAP envelope. */
export function parseRequest(input: Uint8Array, options: ParseTrustOptions & { expect?: RequestKind } = {}): ParsedRequest {
  return parseRequestElement(readBodyElement(input, structure, options), options);
}

// ---------------------------------------------------------------------------------------------------------------
// Responses

export type ProofToken = { readonly kind: 'computedKey' } | { readonly kind: 'binarySecret'; readonly key: Uint8Array };

export interface Lifetime {
  readonly created?: Date;
  readonly expires?: Date;
}

export interface IssueResponse {
  version: WsscVersion;
  context?: string;
  /** The issued (or renewed: same Identifier, new Instance) SCT. */
  token: SecurityContextToken;
  /** Default: `#wsu:Id` of the token, when it has one. */
  attachedReference?: ScTokenReference | null;
  /** Default: the token's Identifier (and Instance). */
  unattachedReference?: ScTokenReference | null;
  /** ComputedKey (combined entropy), the key itself (server entropy), or none (client entropy). */
  proof?: ProofToken;
  /** Server entropy (combined mode). */
  entropy?: Uint8Array;
  entropyId?: string;
  lifetime?: { created: Date; expires: Date };
  /** Issued key size in bits. */
  keySize?: number;
  /** Wrap in RequestSecurityTokenResponseCollection; default: as the version does (1.3 wraps, Feb 2005 does not). */
  wrap?: boolean;
}

export interface CancelResponse {
  version: WsscVersion;
  context?: string;
  /** Default: as the version does. */
  wrap?: boolean;
}

/** xs:dateTime as WCF writes it: UTC, milliseconds, `Z`. */
export const formatLifetimeDateTime = (d: Date): string => d.toISOString();

const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * xs:dateTime with a time zone (WS-Security's wsu:Created/Expires are UTC). Fractions beyond milliseconds are
 * truncated. Returns undefined when the text is not one.
 */
export function parseLifetimeDateTime(text: string): Date | undefined {
  const m = DATE_TIME.exec(trimXml(text));
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 59) return undefined;
  if (hour === 24 && (minute !== 0 || second !== 0 || (frac !== undefined && /[1-9]/.test(frac)))) return undefined;
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  let t = Date.UTC(Number(y), month - 1, day, hour, minute, second, ms);
  if (new Date(Date.UTC(Number(y), month - 1, day)).getUTCDate() !== day) return undefined;
  if (zone !== 'Z') {
    const sign = zone![0] === '-' ? -1 : 1;
    const zh = Number(zone!.slice(1, 3)), zm = Number(zone!.slice(4, 6));
    if (zh > 14 || zm > 59) return undefined;
    t -= sign * (zh * 60 + zm) * 60_000;
  }
  return Number.isFinite(t) ? new Date(t) : undefined;
}

function openResponse(w: FragmentWriter, v: WsscVersion, context: string | undefined, wrap: boolean, declareU: boolean): void {
  if (wrap) w.open(v.trustPrefix, 'RequestSecurityTokenResponseCollection', v.trust);
  const attrs: AttrSpec[] = context === undefined ? [] : [['Context', context]];
  // WCF declares `u` on the RSTR itself (../shared/vectors/wcf/rstr-response.xml).
  w.open(v.trustPrefix, 'RequestSecurityTokenResponse', v.trust, attrs, declareU ? [['u', WSU_NAMESPACE]] : []);
}

/**
 * RSTR/SCT (and RSTR/SCT/Renew) body content in WCF's writer order (WSTrust.cs): TokenType, RequestedSecurityToken,
 * RequestedAttachedReference, RequestedUnattachedReference, RequestedProofToken, Entropy, Lifetime, KeySize.
 */
export function buildIssueResponse(r: IssueResponse, inScope?: Record<string, string>): Uint8Array {
  const v = r.version;
  if (r.token.version !== v) throw new RangeError('the SCT and the response are of different versions');
  const w = new FragmentWriter(inScope);
  const usesU = r.token.id !== undefined || r.entropyId !== undefined || r.lifetime !== undefined;
  openResponse(w, v, r.context, r.wrap ?? v.wrapsResponses, usesU);
  const p = v.trustPrefix;
  w.leaf(p, 'TokenType', v.trust, v.sctTokenType);
  w.open(p, 'RequestedSecurityToken', v.trust);
  writeSecurityContextToken(w, r.token);
  w.close();
  const attached = r.attachedReference === undefined ? (r.token.id === undefined ? null : sctLocalReference(v, r.token.id)) : r.attachedReference;
  const unattached = r.unattachedReference === undefined ? sctExternalReference(v, r.token.identifier, r.token.instance) : r.unattachedReference;
  if (attached !== null) {
    w.open(p, 'RequestedAttachedReference', v.trust);
    writeScTokenReference(w, attached, v);
    w.close();
  }
  if (unattached !== null) {
    w.open(p, 'RequestedUnattachedReference', v.trust);
    writeScTokenReference(w, unattached, v);
    w.close();
  }
  if (r.proof !== undefined) {
    w.open(p, 'RequestedProofToken', v.trust);
    if (r.proof.kind === 'computedKey') w.leaf(p, 'ComputedKey', v.trust, v.computedKeyPSha1);
    else w.leaf(p, 'BinarySecret', v.trust, encodeBase64(r.proof.key), [['Type', v.symmetricKeyType]]);
    w.close();
  }
  if (r.entropy !== undefined) writeEntropy(w, v, r.entropy, r.entropyId);
  if (r.lifetime !== undefined) {
    if (!(r.lifetime.created.getTime() < r.lifetime.expires.getTime())) throw new RangeError('Lifetime Created must precede Expires');
    w.open(p, 'Lifetime', v.trust);
    w.leaf('u', 'Created', WSU_NAMESPACE, formatLifetimeDateTime(r.lifetime.created));
    w.leaf('u', 'Expires', WSU_NAMESPACE, formatLifetimeDateTime(r.lifetime.expires));
    w.close();
  }
  if (r.keySize !== undefined) writeKeySize(w, v, r.keySize);
  w.close();
  if (r.wrap ?? v.wrapsResponses) w.close();
  return utf8(w.toString());
}

/** RSTR/SCT/Cancel body content: `RequestedTokenCancelled` (wrapped for 1.3, as WCF's ProcessCancelRequest does). */
export function buildCancelResponse(r: CancelResponse, inScope?: Record<string, string>): Uint8Array {
  const v = r.version;
  const w = new FragmentWriter(inScope);
  const wrap = r.wrap ?? v.wrapsResponses;
  openResponse(w, v, r.context, wrap, false);
  w.leaf(v.trustPrefix, 'RequestedTokenCancelled', v.trust);
  w.close();
  if (wrap) w.close();
  return utf8(w.toString());
}

export interface ParsedResponse {
  readonly version: WsscVersion;
  /** Whether the RSTR came inside a RequestSecurityTokenResponseCollection. */
  readonly wrapped: boolean;
  readonly context?: string;
  readonly tokenType?: string;
  readonly token?: SecurityContextToken;
  readonly attachedReference?: ParsedScTokenReference;
  readonly unattachedReference?: ParsedScTokenReference;
  readonly proof?: ProofToken;
  /** Server entropy. */
  readonly entropy?: Uint8Array;
  readonly lifetime?: Lifetime;
  readonly keySize?: number;
  /** RequestedTokenCancelled: the answer to a Cancel request. */
  readonly cancelled: boolean;
}

const RESPONSE_CHILDREN = [
  'TokenType',
  'RequestedSecurityToken',
  'RequestedAttachedReference',
  'RequestedUnattachedReference',
  'RequestedProofToken',
  'Entropy',
  'Lifetime',
  'KeySize',
  'RequestedTokenCancelled',
] as const;

function readReference(node: TreeElement, v: WsscVersion): ParsedScTokenReference {
  const ref = onlyChild(node);
  if (!isElement(ref, WSSE_NAMESPACE, 'SecurityTokenReference')) throw structure(`${node.el.name} must hold a SecurityTokenReference`);
  return parseScTokenReference(ref, v);
}

function readProof(node: TreeElement, v: WsscVersion): ProofToken {
  const child = onlyChild(node);
  if (isElement(child, v.trust, 'ComputedKey')) {
    const uri = uriText(child);
    if (uri !== v.computedKeyPSha1) throw new TrustError('COMPUTED_KEY_ALGORITHM', `ComputedKey ${uri} is not P_SHA1 of WS-Trust ${v.name}`);
    return { kind: 'computedKey' };
  }
  if (isElement(child, v.trust, 'BinarySecret')) {
    const type = attr(child, 'Type');
    if (type !== undefined && type !== v.symmetricKeyType && type !== v.nonceType) {
      throw new TrustError('ENTROPY_TYPE', `proof BinarySecret of Type ${type}, expected SymmetricKey`);
    }
    const key = readBase64Bounded(child, 'proof key');
    if (key.length === 0) throw new TrustError('ENTROPY_LENGTH', 'zero-length proof key');
    return { kind: 'binarySecret', key };
  }
  throw structure(`unsupported proof token ${child.el.name}`);
}

function readLifetime(node: TreeElement, v: WsscVersion): Lifetime {
  const out: { created?: Date; expires?: Date } = {};
  for (const k of elementContent(node, structure)) {
    if (k.el.uri !== WSU_NAMESPACE || (k.el.local !== 'Created' && k.el.local !== 'Expires')) {
      throw structure(`unexpected ${k.el.name} in ${v.trustPrefix}:Lifetime`);
    }
    const key = k.el.local === 'Created' ? 'created' : 'expires';
    if (out[key] !== undefined) throw structure(`u:${k.el.local} repeated in Lifetime`);
    const d = parseLifetimeDateTime(textContent(k, structure));
    if (d === undefined) throw new TrustError('LIFETIME', `u:${k.el.local} is not an xs:dateTime with a time zone`);
    out[key] = d;
  }
  if (out.created !== undefined && out.expires !== undefined && !(out.created.getTime() < out.expires.getTime())) {
    throw new TrustError('LIFETIME', 'Lifetime Created is not before Expires');
  }
  return out;
}

/**
 * Reads an RSTR (bare, or the only one of an RSTRC) answering an SCT request.
 * @throws TrustError TRUST_STRUCTURE, TRUST_VERSION, TOKEN_TYPE, ENTROPY_TYPE, ENTROPY_LENGTH, COMPUTED_KEY_ALGORITHM,
 *   KEY_SIZE, LIFETIME; TokenError from the SCT and the references.
 */
export function parseResponseElement(node: TreeElement, options: { version?: WsscVersion } = {}): ParsedResponse {
  let rstr = node;
  let wrapped = false;
  if (node.el.local === 'RequestSecurityTokenResponseCollection') {
    const v = trustVersionOf(node, 'RequestSecurityTokenResponseCollection', options.version);
    const kids = elementContent(node, structure);
    if (kids.length !== 1) throw structure(`a RequestSecurityTokenResponseCollection must hold one RSTR here, found ${kids.length}`);
    rstr = kids[0]!;
    if (rstr.el.uri !== v.trust) throw new TrustError('TRUST_VERSION', 'RSTR and RSTRC of different WS-Trust versions');
    wrapped = true;
  }
  const v = trustVersionOf(rstr, 'RequestSecurityTokenResponse', options.version);
  const kids = collect(rstr, v, RESPONSE_CHILDREN);
  const out: {
    version: WsscVersion;
    wrapped: boolean;
    cancelled: boolean;
    context?: string;
    tokenType?: string;
    token?: SecurityContextToken;
    attachedReference?: ParsedScTokenReference;
    unattachedReference?: ParsedScTokenReference;
    proof?: ProofToken;
    entropy?: Uint8Array;
    lifetime?: Lifetime;
    keySize?: number;
  } = { version: v, wrapped, cancelled: kids.has('RequestedTokenCancelled') };
  const context = attr(rstr, 'Context');
  if (context !== undefined) out.context = context;
  const cancelled = kids.get('RequestedTokenCancelled');
  if (cancelled !== undefined) {
    if (elementContent(cancelled, structure).length > 0 || trimXml(textContent(cancelled, structure)) !== '') {
      throw structure('RequestedTokenCancelled must be empty');
    }
    if (kids.has('RequestedSecurityToken') || kids.has('RequestedProofToken') || kids.has('Entropy')) {
      throw structure('a cancel response carries no token, proof or entropy');
    }
  }
  const tt = kids.get('TokenType');
  if (tt !== undefined) {
    out.tokenType = uriText(tt);
    if (out.tokenType !== v.sctTokenType) throw new TrustError('TOKEN_TYPE', `TokenType ${out.tokenType} is not the SCT of WS-SC ${v.name}`);
  }
  const rst = kids.get('RequestedSecurityToken');
  if (rst !== undefined) {
    const tokenNode = onlyChild(rst);
    if (tokenNode.el.local !== 'SecurityContextToken') throw new TrustError('TOKEN_TYPE', `issued token ${tokenNode.el.name} is not an SCT`);
    let token: SecurityContextToken;
    try {
      token = parseSecurityContextTokenElement(tokenNode, { version: v });
    } catch (err) {
      if (err instanceof TokenError && err.code === 'TOKEN_VERSION') throw new TrustError('TRUST_VERSION', err.message, { cause: err });
      throw err;
    }
    out.token = token;
  }
  const attached = kids.get('RequestedAttachedReference');
  if (attached !== undefined) out.attachedReference = readReference(attached, v);
  const unattached = kids.get('RequestedUnattachedReference');
  if (unattached !== undefined) out.unattachedReference = readReference(unattached, v);
  const proof = kids.get('RequestedProofToken');
  if (proof !== undefined) out.proof = readProof(proof, v);
  const entropy = kids.get('Entropy');
  if (entropy !== undefined) out.entropy = readEntropy(entropy, v);
  const lifetime = kids.get('Lifetime');
  if (lifetime !== undefined) out.lifetime = readLifetime(lifetime, v);
  const keySize = kids.get('KeySize');
  if (keySize !== undefined) out.keySize = readKeySize(keySize);
  return out;
}

/** Reads an RSTR / RSTRC from bytes: the element itself, or the one Body child of a SOAP envelope. */
export function parseResponse(input: Uint8Array, options: ParseTrustOptions = {}): ParsedResponse {
  return parseResponseElement(readBodyElement(input, structure, options), options);
}
