// WSS 1.1 SOAP Message Security §8-§9 under derived keys (WS-SC 1.3 §7): the symmetric protection the X.509 bootstrap applies and checks.
// Private to bootstrap.ts: both directions of the RST/RSTR exchange sign and encrypt with two DerivedKeyTokens over one base key.
import type { CryptoProvider } from '../crypto/provider.js';
import { canonicalize } from '../c14n/canonicalize.js';
import { C14N, DIGEST, DSIG_NAMESPACE, SIGNATURE, signatureInfo } from '../dsig/algorithms.js';
import { decodeBase64, encodeBase64 } from '../dsig/base64.js';
import { signXml } from '../dsig/sign.js';
import { elementChildren, type TreeElement } from '../dsig/tree.js';
import { verifySignature, type VerificationResult } from '../dsig/verify.js';
import { EncryptionError, SignatureError, WsSecurityError } from '../errors.js';
import { addAttributesEdit, applyEdits, type Edit } from '../soap/splice.js';
import { concat, contentRange } from '../xml/splice.js';
import type { NamespaceSnapshot } from '../soap/scope.js';
import { WSSE_NAMESPACE } from '../wss/namespaces.js';
import {
  checkStrictLayout, partKind, prepareSecurity, readSecurity, replacePartEdit, securityItemEdits, securityPartsOfParsed,
  type SecureEnvelope, type SecurityItem, type SecurityPart,
} from '../wss/security-header.js';
import { signEnvelope } from '../wss/signature.js';
import { checkTimestamp, type Clock } from '../wss/timestamp.js';
import { localId, parseTokenReference, tokenReferenceXml, type TokenReference } from '../wss/token-reference.js';
import { TYPE_CONTENT, TYPE_ELEMENT } from '../xenc/algorithms.js';
import { decryptXml, type DecryptedItem } from '../xenc/decrypt.js';
import { buildEncryptedData } from '../xenc/encrypt.js';
import { buildReferenceList } from '../xenc/reference-list.js';
import type { AlgorithmSuite } from './suites.js';
import { deriveKey, newDerivedKeyToken, parseDerivedKeyTokenElement, buildDerivedKeyToken, type DerivedKeyToken } from './derived-key-token.js';
import type { ParsedScTokenReference, ScTokenReference } from './token-reference.js';
import type { WsscVersion } from './versions.js';

export type ProtectionOrder = 'sign-encrypt' | 'encrypt-sign';

const headerError = (m: string): WsSecurityError => new WsSecurityError('SECURITY_HEADER', m);
const decoder = new TextDecoder();

/** What the caller adds to the Security header besides the two DerivedKeyTokens, and what else the signature covers. */
export interface ProtectPlan {
  suite: AlgorithmSuite;
  version: WsscVersion;
  order: ProtectionOrder;
  /** The key the two DKTs derive from (the EncryptedKey's key). */
  baseKey: Uint8Array;
  /** How the DKTs name the base key: `#EncryptedKeyId` in a request, EncryptedKeySHA1 in a response. */
  baseReference: (allocate: () => string) => ScTokenReference;
  /** Tokens before the DKTs (the EncryptedKey) and after them (the client's BinarySecurityToken, SignatureConfirmations). */
  before?: (allocate: () => string, scope: NamespaceSnapshot) => SecurityItem[];
  after?: (allocate: () => string, scope: NamespaceSnapshot) => { items: SecurityItem[]; signed: string[] };
  /**
   * The endorsing signature over the primary signature, KeyInfo a reference to the certificate token: made by
   * protectWithDerivedKeys with `privateKey`, or by whoever drives protectWithDerivedKeysSteps (an async RSA signer).
   */
  endorse?: () => { privateKey?: import('node:crypto').KeyObject; keyInfo: TokenReference };
  clock: Clock;
  ttlMs: number;
  provider: CryptoProvider;
}

export interface Protected {
  readonly bytes: Uint8Array;
  /** The SignatureValues of the message, primary first (what the peer confirms). */
  readonly signatureValues: Uint8Array[];
}

function dktXml(dkt: DerivedKeyToken): string {
  return decoder.decode(buildDerivedKeyToken(dkt));
}

export function signatureValueOf(part: { tree: TreeElement }): Uint8Array {
  const node = elementChildren(part.tree).find((c) => c.el.uri === DSIG_NAMESPACE && c.el.local === 'SignatureValue');
  if (node === undefined) throw new SignatureError('SIGNATURE_STRUCTURE', 'a Signature without SignatureValue');
  let text = '';
  for (const c of node.children) if (c.type === 'text') text += c.value;
  return decodeBase64(text.replace(/[ \t\r\n]+/g, ''), 'SignatureValue');
}

const isSecurity = (el: { depth: number; uri: string; local: string }): boolean => el.depth === 3 && el.uri === WSSE_NAMESPACE && el.local === 'Security';

/** Where the protection needs an RSA signature: the endorsing Signature over the primary one (Id `id`) of `bytes`. */
export interface EndorseRequest {
  readonly kind: 'endorse';
  readonly bytes: Uint8Array;
  readonly id: string;
  readonly keyInfo: TokenReference;
  readonly suite: AlgorithmSuite;
  readonly provider: CryptoProvider;
}

/**
 * Protects an envelope as WCF's symmetric binding over an X.509 protection token does (protocol.md §5.1, §5.3):
 * Timestamp, [EncryptedKey], signing DKT, encryption DKT, [BinarySecurityToken, SignatureConfirmation…], then the
 * protection elements. sign-encrypt: ReferenceList, EncryptedData(primary Signature), [endorsing Signature];
 * encrypt-sign: primary Signature, ReferenceList, [endorsing Signature]. The Body content is always encrypted.
 */
export function protectWithDerivedKeys(envelope: Uint8Array, plan: ProtectPlan): Protected {
  return runSteps(protectWithDerivedKeysSteps(envelope, plan), (req) => {
    const privateKey = plan.endorse?.().privateKey;
    if (privateKey === undefined) throw new RangeError('an endorsing signature without a private key');
    return endorseSync(req, privateKey);
  });
}

/**
 * protectWithDerivedKeys as steps: yields an EndorseRequest when the plan endorses and takes the endorsed message
 * back, so that the RSA signature can be made asynchronously (WebCrypto) between the symmetric steps.
 */
export function* protectWithDerivedKeysSteps(envelope: Uint8Array, plan: ProtectPlan): Generator<EndorseRequest, Protected, Uint8Array> {
  const { suite, version, provider } = plan;
  let sign: DerivedKeyToken | undefined;
  let enc: DerivedKeyToken | undefined;
  let extraSigned: string[] = [];
  const prepared = prepareSecurity(envelope, {
    timestamp: { now: plan.clock, ttlMs: plan.ttlMs },
    ids: { timestamp: true, body: true, addressing: true },
    tokens: ({ allocate, scope }) => {
      const items = plan.before?.(allocate, scope) ?? [];
      const reference = plan.baseReference(allocate);
      // SPEC: protocol.md §2.5: the signing key is written with Offset 0 / Length 24 (Basic256), the encryption key with neither.
      sign = newDerivedKeyToken({ version, reference, id: allocate(), offset: 0, length: suite.signatureKeyLength, random: (n) => provider.randomBytes(n) });
      enc = newDerivedKeyToken({ version, reference, id: allocate(), length: suite.encryptionKeyLength, random: (n) => provider.randomBytes(n) });
      items.push({ kind: 'derived-key-token', xml: dktXml(sign) }, { kind: 'derived-key-token', xml: dktXml(enc) });
      const after = plan.after?.(allocate, scope);
      if (after !== undefined) {
        items.push(...after.items);
        extraSigned = after.signed;
      }
      return items;
    },
  });
  const signKey = deriveKey(sign!, plan.baseKey, provider);
  const encKey = deriveKey(enc!, plan.baseKey, provider);
  try {
    const ids = prepared.ids;
    const references = [ids.timestamp!, ...extraSigned, ...Object.values(ids.addressing), ids.body!];
    const dkRef = (dkt: DerivedKeyToken): string => tokenReferenceXml({ kind: 'reference', uri: `#${dkt.id!}`, valueType: version.dktTokenType });
    const encrypted = (plaintext: Uint8Array, type: string, id: string): string =>
      buildEncryptedData(plaintext, type, { key: encKey, algorithm: suite.encryption, id, keyInfo: dkRef(enc!), prefix: 'e', provider });
    const bodyId = prepared.allocator.next();
    const sigId = prepared.allocator.next();
    const signOptions = {
      key: { kind: 'hmac', secret: signKey } as const,
      algorithm: suite.signature,
      digest: suite.digest,
      references,
      timestamp: false as const,
      keyInfo: { kind: 'reference', uri: `#${sign!.id!}`, valueType: version.dktTokenType } as const,
      provider,
    };

    let bytes: Uint8Array;
    if (plan.order === 'encrypt-sign') {
      const secure = readSecurity(prepared.bytes);
      const range = contentRange(prepared.bytes, secure.envelope.body.el);
      if (range.selfClosing) throw headerError('the Body is empty');
      const edits: Edit[] = [
        ...securityItemEdits(prepared.bytes, secure, [{ kind: 'reference-list', xml: buildReferenceList([bodyId], { prefix: 'e' }) }]),
        { at: range.start, end: range.end, insert: encrypted(prepared.bytes.subarray(range.start, range.end), TYPE_CONTENT, bodyId) },
      ];
      bytes = signEnvelope(applyEdits(prepared.bytes, edits), { ...signOptions, before: (el) => partKind(el) === 'reference-list' }).bytes;
    } else {
      bytes = signEnvelope(prepared.bytes, signOptions).bytes;
    }
    // The primary Signature gets an Id (the endorsing signature's reference) and gives its SignatureValue.
    const primary = securityPartsOfParsed(bytes).find((p) => p.kind === 'signature')!;
    const values = [signatureValueOf(primary)];
    if (plan.endorse !== undefined) {
      const endorse = plan.endorse();
      bytes = applyEdits(bytes, [addAttributesEdit(bytes, primary.el.byteStart, ` Id="${sigId}"`)]);
      bytes = yield { kind: 'endorse', bytes, id: sigId, keyInfo: endorse.keyInfo, suite, provider };
    }
    if (plan.order === 'sign-encrypt') {
      const secure = readSecurity(bytes);
      const sigs = secure.security!.parts.filter((p) => p.kind === 'signature');
      const primaryNow = sigs[0]!;
      if (plan.endorse !== undefined) values.push(signatureValueOf(sigs[1]!));
      const range = contentRange(bytes, secure.envelope.body.el);
      if (range.selfClosing) throw headerError('the Body is empty');
      const sigEd = prepared.allocator.next();
      bytes = applyEdits(bytes, [
        replacePartEdit(primaryNow, buildReferenceList([bodyId, sigEd], { prefix: 'e' }) +
          encrypted(bytes.subarray(primaryNow.el.byteStart, primaryNow.el.byteEnd), TYPE_ELEMENT, sigEd)),
        { at: range.start, end: range.end, insert: encrypted(bytes.subarray(range.start, range.end), TYPE_CONTENT, bodyId) },
      ]);
    } else if (plan.endorse !== undefined) {
      const sigs = securityPartsOfParsed(bytes).filter((p) => p.kind === 'signature');
      values.push(signatureValueOf(sigs[sigs.length - 1]!));
    }
    return { bytes, signatureValues: values };
  } finally {
    signKey.fill(0);
    encKey.fill(0);
  }
}

/** Drives steps to the end, answering each synchronously; an answer that throws ends the steps (their `finally` wipes keys). */
export function runSteps<S, R>(steps: Generator<S, R, Uint8Array>, answer: (step: S) => Uint8Array): R {
  let r = steps.next();
  while (r.done !== true) {
    let out: Uint8Array;
    try {
      out = answer(r.value);
    } catch (err) {
      steps.return(undefined as R);
      throw err;
    }
    r = steps.next(out);
  }
  return r.value;
}

/** runSteps with asynchronous answers. */
export async function runStepsAsync<S, R>(steps: Generator<S, R, Uint8Array>, answer: (step: S) => Promise<Uint8Array>): Promise<R> {
  let r = steps.next();
  while (r.done !== true) {
    let out: Uint8Array;
    try {
      out = await answer(r.value);
    } catch (err) {
      steps.return(undefined as R);
      throw err;
    }
    r = steps.next(out);
  }
  return r.value;
}

/** The endorsing Signature: last in the Security header, default ds namespace (as WCF writes it), one reference. */
function endorseOptions(req: EndorseRequest) {
  return {
    algorithm: req.suite.asymmetricSignature,
    digest: req.suite.digest,
    references: [{ id: req.id }],
    parent: { select: isSecurity },
    position: 'last' as const,
    prefix: '',
    keyInfo: tokenReferenceXml(req.keyInfo),
    provider: req.provider,
  };
}

/** The endorsing signature made with node:crypto (signXml). */
export function endorseSync(req: EndorseRequest, privateKey: import('node:crypto').KeyObject): Uint8Array {
  return signXml(req.bytes, { key: { kind: 'rsa', privateKey }, ...endorseOptions(req) });
}

/**
 * The endorsing signature made with an asynchronous RSA signer over the canonical SignedInfo: the same bytes
 * signXml writes with the same options (XMLDSig 1.1 §3.1.2: one exc-c14n reference to the primary Signature).
 * SPEC: the Signature lands in the Security header, outside the primary Signature: no enveloped-signature transform.
 */
export async function endorseAsync(req: EndorseRequest, sign: (hash: 'sha1' | 'sha256', canonicalSignedInfo: Uint8Array) => Promise<Uint8Array>): Promise<Uint8Array> {
  const o = endorseOptions(req);
  const target = securityPartsOfParsed(req.bytes).find((p) => p.kind === 'signature' && p.id === req.id);
  if (target === undefined) throw new SignatureError('REFERENCE_UNRESOLVED', `no Signature with Id ${req.id} in the Security header`);
  const digest = o.provider.digest(o.digest, canonicalize(req.bytes, { select: (el) => el.byteStart === target.el.byteStart }));
  const open = `<Signature xmlns="${DSIG_NAMESPACE}">`;
  const signedInfo =
    `<SignedInfo><CanonicalizationMethod Algorithm="${C14N.exclusive}"></CanonicalizationMethod>` +
    `<SignatureMethod Algorithm="${SIGNATURE[o.algorithm]}"></SignatureMethod>` +
    `<Reference URI="#${req.id}"><Transforms><Transform Algorithm="${C14N.exclusive}"></Transform></Transforms>` +
    `<DigestMethod Algorithm="${DIGEST[o.digest]}"></DigestMethod><DigestValue>${encodeBase64(digest)}</DigestValue></Reference></SignedInfo>`;
  const enc = new TextEncoder();
  // SPEC: Exc-C14N of SignedInfo depends only on the namespaces it uses, all declared on the Signature: canonical standalone.
  const canonical = canonicalize(enc.encode(`${open}${signedInfo}</Signature>`), { select: (el) => el.uri === DSIG_NAMESPACE && el.local === 'SignedInfo' });
  const value = await sign(signatureInfo(o.algorithm).hash as 'sha1' | 'sha256', canonical);
  const signature = `${open}${signedInfo}<SignatureValue>${encodeBase64(value)}</SignatureValue><KeyInfo>${o.keyInfo}</KeyInfo></Signature>`;
  const security = readSecurity(req.bytes).security!.header.el;
  let at = security.byteEnd - 1;
  while (req.bytes[at] !== 0x3c) at--; // the end tag `</name S?>` holds no other '<'
  return concat(req.bytes.subarray(0, at), enc.encode(signature), req.bytes.subarray(at));
}

// ---------------------------------------------------------------------------------------------------------------
// Opening

export interface OpenContext {
  suite: AlgorithmSuite;
  now: number;
  skewMs: number;
  maxAgeMs: number;
  provider: CryptoProvider;
  /** The base key a DKT's reference names; throws (KEY_MISMATCH) for any other reference. */
  baseKey: (ref: ParsedScTokenReference) => Uint8Array;
}

export type SignatureRole = 'primary' | 'endorsing';

export interface ClassifiedSignature {
  readonly part: SecurityPart;
  readonly role: SignatureRole;
  readonly keyReference: TokenReference;
}

export interface Opened {
  /** The envelope with every listed EncryptedData decrypted (Security header kept). */
  readonly envelope: Uint8Array;
  /** The decrypted envelope's structure. */
  readonly secure: SecureEnvelope;
  readonly version: WsscVersion;
  readonly primary: SecurityPart;
  readonly primaryValue: Uint8Array;
  /** Signatures keyed by a BinarySecurityToken (not yet verified: the caller decides whom it trusts). */
  readonly endorsing: readonly ClassifiedSignature[];
  readonly timestamp: { created: number; expires: number | undefined };
}

function keyReferenceOf(part: SecurityPart): TokenReference {
  const keyInfo = elementChildren(part.tree).find((c) => c.el.uri === DSIG_NAMESPACE && c.el.local === 'KeyInfo');
  const strs = keyInfo === undefined ? [] : elementChildren(keyInfo);
  if (strs.length !== 1 || strs[0]!.el.uri !== WSSE_NAMESPACE || strs[0]!.el.local !== 'SecurityTokenReference') {
    throw headerError('a Signature whose KeyInfo is not one SecurityTokenReference');
  }
  return parseTokenReference(strs[0]!);
}

/** Each header Signature with the role its key gives it: a DKT of this message (primary) or a BinarySecurityToken (endorsing). */
export function classifySignatures(parts: readonly SecurityPart[], dktIds: ReadonlySet<string>): ClassifiedSignature[] {
  const bsts = new Set(parts.filter((p) => p.kind === 'binary-security-token' && p.id !== undefined).map((p) => p.id!));
  return parts.filter((p) => p.kind === 'signature').map((part) => {
    const keyReference = keyReferenceOf(part);
    const id = localId(keyReference);
    if (id !== undefined && dktIds.has(id)) return { part, role: 'primary', keyReference };
    if (id !== undefined && bsts.has(id)) return { part, role: 'endorsing', keyReference };
    throw headerError('a Signature whose key is neither a DerivedKeyToken nor a BinarySecurityToken of this message');
  });
}

/** SECURITY (xml-security.md §1.5 item 9): the signature must cover the Timestamp, the Body, every WS-A header and `extra`. */
export function checkCoverage(result: VerificationResult, secure: SecureEnvelope, extra: readonly SecurityPart[] = []): void {
  const covered = new Set(result.references.map((r) => r.byteStart));
  const required: Array<[string, number]> = [['Body', secure.envelope.body.el.byteStart]];
  const ts = secure.security!.parts.find((p) => p.kind === 'timestamp');
  if (ts !== undefined) required.push(['Timestamp', ts.el.byteStart]);
  for (const [name, h] of Object.entries(secure.addressingElements)) if (h !== undefined) required.push([name, h.el.byteStart]);
  for (const p of extra) required.push([p.el.local, p.el.byteStart]);
  for (const [name, at] of required) if (!covered.has(at)) throw new WsSecurityError('SIGNATURE_COVERAGE', `the signature does not cover ${name}`);
}

function checkDigests(result: VerificationResult, suite: AlgorithmSuite): void {
  for (const r of result.references) {
    if (r.digestAlgorithm !== DIGEST[suite.digest]) throw new WsSecurityError('ALGORITHM_SUITE', `digest ${r.digestAlgorithm} is outside the ${suite.name} suite`);
  }
}

/**
 * Opens a message protected by protectWithDerivedKeys: Strict layout, Timestamp, DKTs over the base key the context
 * accepts, the primary HMAC signature verified (before decryption when it is in the clear, after otherwise),
 * the listed EncryptedData decrypted, the Body's content among them, and the signature's coverage.
 * @throws WsSecurityError, SignatureError, TokenError, EncryptionError (public facts), DecryptionError (anything keyed).
 */
export function openWithDerivedKeys(bytes: Uint8Array, secure: SecureEnvelope, ctx: OpenContext, signedExtra: (s: SecureEnvelope) => SecurityPart[]): Opened {
  const { suite, provider } = ctx;
  const security = secure.security;
  if (security === null) throw headerError('the message has no Security header');
  checkStrictLayout(security);
  const timestamp = checkTimestamp(security.timestamp, { now: ctx.now, skewMs: ctx.skewMs, maxAge: ctx.maxAgeMs });

  // Derived keys: each DKT must name the accepted base key; sizes are bounded by the suite before deriving.
  const dkts = new Map<string, DerivedKeyToken>();
  let version: WsscVersion | undefined;
  for (const p of security.parts.filter((x) => x.kind === 'derived-key-token')) {
    const dkt = parseDerivedKeyTokenElement(p.tree, { ...(version === undefined ? {} : { version }), dktLimits: { maxLength: Math.max(suite.signatureKeyLength, suite.encryptionKeyLength) } });
    version = dkt.version;
    if (dkt.id === undefined) throw headerError('a DerivedKeyToken without wsu:Id');
    dkts.set(dkt.id, dkt);
  }
  if (version === undefined) throw headerError('the message has no DerivedKeyToken');
  const derived = new Map<string, Uint8Array>();
  const keyOf = (id: string, length: number, what: string): Uint8Array => {
    const dkt = dkts.get(id);
    if (dkt === undefined) throw new WsSecurityError('KEY_MISMATCH', `the ${what} key is not a DerivedKeyToken of this message`);
    if (dkt.length !== length) throw new WsSecurityError('ALGORITHM_SUITE', `a ${what} key of ${dkt.length} bytes is outside the ${suite.name} suite`);
    let k = derived.get(id);
    if (k === undefined) {
      k = deriveKey(dkt, ctx.baseKey(dkt.reference as ParsedScTokenReference), provider);
      derived.set(id, k);
    }
    return k;
  };

  try {
    const dktIds = new Set(dkts.keys());
    const verifyPrimary = (doc: Uint8Array, s: SecureEnvelope, sig: ClassifiedSignature): VerificationResult => {
      const key = keyOf(localId(sig.keyReference)!, suite.signatureKeyLength, 'signing');
      const result = verifySignature(doc, {
        key: { kind: 'hmac', secret: key },
        algorithms: [suite.signature],
        signature: (el) => el.byteStart === sig.part.el.byteStart,
        provider,
      });
      checkDigests(result, suite);
      checkCoverage(result, s, signedExtra(s));
      return result;
    };
    const primaries = (s: SecureEnvelope): ClassifiedSignature[] => classifySignatures(s.security!.parts, dktIds).filter((c) => c.role === 'primary');

    // encrypt-sign: the primary signature is in the clear and covers the EncryptedData; verify it before decrypting.
    const clear = primaries(secure);
    if (clear.length > 1) throw headerError('more than one primary Signature');
    let verified = false;
    if (clear.length === 1) {
      verifyPrimary(bytes, secure, clear[0]!);
      verified = true;
    }

    const refIds = security.parts.filter((p) => p.kind === 'reference-list').flatMap((p) =>
      elementChildren(p.tree).map((d) => {
        const uri = d.el.attributes.find((a) => a.local === 'URI' && a.uri === '')?.value ?? '';
        if (d.el.local !== 'DataReference' || !uri.startsWith('#')) throw headerError('a ReferenceList entry other than DataReference URI="#id"');
        return uri.slice(1);
      }));
    if (refIds.length === 0) throw new WsSecurityError('ENCRYPTION_REQUIRED', 'the message encrypts nothing');
    const result = decryptXml(bytes, {
      ids: refIds,
      provider,
      key: (info) => {
        if (info.algorithm !== suite.encryption) throw new EncryptionError('ALGORITHM_NOT_SUPPORTED', `${info.algorithm} is outside the ${suite.name} suite`);
        const uris = info.keyInfo?.referenceUris ?? [];
        if (uris.length !== 1 || !uris[0]!.startsWith('#')) throw new WsSecurityError('KEY_MISMATCH', 'an EncryptedData whose key is not one DerivedKeyToken reference');
        return keyOf(uris[0]!.slice(1), suite.encryptionKeyLength, 'encryption');
      },
    });
    const envelope = result.document;
    const opened = readSecurity(envelope);
    const body = opened.envelope.body.el;
    // SPEC: protocol.md §1.3: the RST and RSTR bodies are signed and encrypted.
    if (!result.decrypted.some((d: DecryptedItem) => d.type === 'content' && d.byteStart >= body.byteStart && d.byteEnd <= body.byteEnd)) {
      throw new WsSecurityError('ENCRYPTION_REQUIRED', 'the Body content is not encrypted');
    }
    const after = primaries(opened);
    if (after.length !== 1) throw new SignatureError('SIGNATURE_NOT_FOUND', after.length === 0 ? 'the message has no primary Signature' : 'more than one primary Signature');
    const primary = after[0]!;
    if (!verified) verifyPrimary(envelope, opened, primary);
    const endorsing = classifySignatures(opened.security!.parts, dktIds).filter((c) => c.role === 'endorsing');
    return { envelope, secure: opened, version, primary: primary.part, primaryValue: signatureValueOf(primary.part), endorsing, timestamp };
  } finally {
    for (const k of derived.values()) k.fill(0);
  }
}
