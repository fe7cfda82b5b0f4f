// WS-Trust 1.3 §4.4 (key entropy: combined P_SHA1 computed key, client-only, server-only) for SCT issuance, both sides (protocol.md §1.3-§1.4, §2.4).
import { auto } from '../crypto/auto.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { randomBytes } from '../crypto/random.js';
import { TrustError } from '../errors.js';
import type { SecurityContextToken } from './security-context-token.js';
import type { ParsedScTokenReference } from './token-reference.js';
import { parseRequest, parseResponse, type Lifetime, type ParsedRequest, type ParsedResponse, type ProofToken } from './trust-messages.js';
import type { WsscVersion } from './versions.js';

/** How the SCT key is made: WCF's SecurityKeyEntropyMode. The default is combined (AcceleratedTokenProvider). */
export type EntropyMode = 'combined' | 'client' | 'server';

/** Basic256's DefaultSymmetricKeyLength: what WCF requests and issues by default. */
export const DEFAULT_KEY_SIZE = 256;
/** SECURITY: key sizes accepted, in bits (WCF's suites use 128-256; 64-bit keys are not accepted). */
export const MIN_KEY_SIZE = 128;
export const MAX_KEY_SIZE = 1024;
/** SECURITY: entropy shorter than this (bytes) is refused: 128 bits, the smallest key any WCF suite issues. */
export const MIN_ENTROPY_BYTES = 16;

function checkKeySize(bits: number, what: string): void {
  if (!Number.isSafeInteger(bits) || bits % 8 !== 0 || bits < MIN_KEY_SIZE || bits > MAX_KEY_SIZE) {
    throw new TrustError('KEY_SIZE', `${what} ${bits} is not a multiple of 8 in ${MIN_KEY_SIZE}..${MAX_KEY_SIZE}`);
  }
}

function checkEntropy(entropy: Uint8Array, what: string): void {
  if (entropy.length < MIN_ENTROPY_BYTES) throw new TrustError('ENTROPY_LENGTH', `${what} of ${entropy.length} bytes (minimum ${MIN_ENTROPY_BYTES})`);
}

/**
 * The combined-entropy key: P_SHA1(secret = client entropy, seed = server entropy), keySize/8 bytes, empty label
 * (WCF's RequestSecurityTokenResponse.ComputeCombinedKey; protocol.md §2.4: the swapped order gives another key).
 */
export function computeCombinedKey(clientEntropy: Uint8Array, serverEntropy: Uint8Array, keySizeBits: number, provider: CryptoProvider = auto): Uint8Array {
  checkKeySize(keySizeBits, 'KeySize');
  if (clientEntropy.length === 0 || serverEntropy.length === 0) throw new TrustError('ENTROPY_LENGTH', 'zero-length entropy');
  return provider.pHash('sha1', clientEntropy, serverEntropy, keySizeBits / 8, 0);
}

/** Client entropy: keySize/8 random bytes, as WCF's client sends. */
export function generateClientEntropy(length: number, random: (n: number) => Uint8Array = randomBytes): Uint8Array {
  return random(length);
}

/**
 * Server entropy without zero bytes.
 * SPEC: WCF fills issuer entropy with RNGCryptoServiceProvider.GetNonZeroBytes (protocol.md §1.4), so a peer that
 * treats the nonce as a C string still sees all of it; rejection sampling keeps the other 255 values uniform, and
 * the cost is log2(256/255) ≈ 0.006 bits per byte.
 */
export function generateServerEntropy(length: number, random: (n: number) => Uint8Array = randomBytes): Uint8Array {
  const out = random(length);
  for (let i = 0; i < out.length; i++) {
    while (out[i] === 0) out[i] = random(1)[0]!;
  }
  return out;
}

/** `urn:uuid:` + a random UUID: SCT Identifiers and key generations (Instance) are UniqueIds. */
export function newUuidUrn(): string {
  return `urn:uuid:${globalThis.crypto.randomUUID()}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Client side

/** What the client remembers of the RST it sent. */
export interface SessionRequestInfo {
  version?: WsscVersion;
  /** The entropy sent in the RST; absent in server entropy mode. */
  clientEntropy?: Uint8Array;
  /** The KeySize sent, in bits. */
  keySize?: number;
  /** Default: combined with client entropy, server without. */
  mode?: EntropyMode;
  /** The RST's Context, which the RSTR must echo. */
  context?: string;
}

export interface SessionKey {
  readonly version: WsscVersion;
  readonly mode: EntropyMode;
  readonly token: SecurityContextToken;
  readonly identifier: string;
  readonly instance?: string;
  /** The SCT secret. The caller owns it (and wipes it when the session ends). */
  readonly key: Uint8Array;
  readonly keySize: number;
  readonly lifetime?: Lifetime;
  readonly attachedReference?: ParsedScTokenReference;
  readonly unattachedReference?: ParsedScTokenReference;
}

/** From an RST we built (bytes or parsed) to what computeSessionKey needs to know of it. */
export function requestInfo(rst: Uint8Array | ParsedRequest, mode?: EntropyMode): SessionRequestInfo {
  const parsed = rst instanceof Uint8Array ? parseRequest(rst) : rst;
  if (parsed.requestType === 'cancel') throw new TrustError('REQUEST_TYPE', 'a Cancel request issues no key');
  const out: SessionRequestInfo = { version: parsed.version };
  if (parsed.entropy !== undefined) out.clientEntropy = parsed.entropy;
  if (parsed.keySize !== undefined) out.keySize = parsed.keySize;
  if (mode !== undefined) out.mode = mode;
  if (parsed.context !== undefined) out.context = parsed.context;
  return out;
}

/**
 * The client's half of issuance (and renewal): from the RSTR bytes (or parsed RSTR) and what was requested, the
 * SCT, its key, lifetime and references. The checks are WCF's (WSTrust.cs GetIssuedToken) plus two of ours:
 * a KeySize other than the one requested and entropy under 128 bits are refused.
 * @throws TrustError TRUST_STRUCTURE, TRUST_VERSION, CONTEXT_MISMATCH, ENTROPY_MISSING, ENTROPY_MODE, ENTROPY_LENGTH,
 *   KEY_SIZE, KEY_SIZE_MISMATCH (and the parser's codes).
 */
export function computeSessionKey(
  rstr: Uint8Array | ParsedResponse,
  request: SessionRequestInfo | { rst: Uint8Array | ParsedRequest; mode?: EntropyMode },
  provider: CryptoProvider = auto,
): SessionKey {
  const info = 'rst' in request ? requestInfo(request.rst, request.mode) : request;
  const r = rstr instanceof Uint8Array ? parseResponse(rstr, info.version === undefined ? {} : { version: info.version }) : rstr;
  if (info.version !== undefined && r.version !== info.version) throw new TrustError('TRUST_VERSION', `RSTR of WS-Trust ${r.version.name}, expected ${info.version.name}`);
  if (r.cancelled || r.token === undefined) throw new TrustError('TRUST_STRUCTURE', 'the RSTR carries no RequestedSecurityToken');
  if (info.context !== undefined && r.context !== info.context) throw new TrustError('CONTEXT_MISMATCH', 'the RSTR Context is not the RST Context');
  const mode: EntropyMode = info.mode ?? (info.clientEntropy === undefined ? 'server' : 'combined');
  if (info.keySize !== undefined) checkKeySize(info.keySize, 'requested KeySize');
  if (r.keySize !== undefined) {
    checkKeySize(r.keySize, 'RSTR KeySize');
    if (info.keySize !== undefined && r.keySize !== info.keySize) {
      throw new TrustError('KEY_SIZE_MISMATCH', `RSTR KeySize ${r.keySize} where ${info.keySize} was requested`);
    }
  }
  let key: Uint8Array;
  let keySize: number;
  if (mode === 'combined') {
    if (info.clientEntropy === undefined) throw new TrustError('ENTROPY_MISSING', 'combined entropy needs the client entropy');
    if (r.proof === undefined || r.proof.kind !== 'computedKey') throw new TrustError('ENTROPY_MODE', 'combined entropy needs a ComputedKey proof token');
    if (r.entropy === undefined) throw new TrustError('ENTROPY_MISSING', 'combined entropy needs the server entropy');
    checkEntropy(info.clientEntropy, 'client entropy');
    checkEntropy(r.entropy, 'server entropy');
    const bits = r.keySize ?? info.keySize;
    if (bits === undefined) throw new TrustError('KEY_SIZE', 'neither the RST nor the RSTR gives a KeySize');
    key = computeCombinedKey(info.clientEntropy, r.entropy, bits, provider);
    keySize = bits;
  } else if (mode === 'client') {
    if (info.clientEntropy === undefined) throw new TrustError('ENTROPY_MISSING', 'client entropy mode needs the client entropy');
    if (r.proof !== undefined || r.entropy !== undefined) throw new TrustError('ENTROPY_MODE', 'client entropy mode allows no proof token or server entropy');
    checkEntropy(info.clientEntropy, 'client entropy');
    keySize = info.clientEntropy.length * 8;
    checkKeySize(keySize, 'client entropy size');
    if (r.keySize !== undefined && r.keySize !== keySize) throw new TrustError('KEY_SIZE_MISMATCH', `RSTR KeySize ${r.keySize} for a ${keySize}-bit key`);
    key = info.clientEntropy.slice();
  } else {
    if (info.clientEntropy !== undefined) throw new TrustError('ENTROPY_MODE', 'server entropy mode sends no client entropy');
    if (r.entropy !== undefined || (r.proof !== undefined && r.proof.kind === 'computedKey')) {
      throw new TrustError('ENTROPY_MODE', 'server entropy mode allows no computed key or server entropy');
    }
    if (r.proof === undefined) throw new TrustError('ENTROPY_MISSING', 'server entropy mode needs the key in RequestedProofToken');
    key = r.proof.key.slice();
    keySize = key.length * 8;
    checkKeySize(keySize, 'proof key size');
    const expected = r.keySize ?? info.keySize;
    if (expected !== undefined && expected !== keySize) throw new TrustError('KEY_SIZE_MISMATCH', `a ${keySize}-bit proof key where ${expected} bits were expected`);
  }
  const out: {
    version: WsscVersion;
    mode: EntropyMode;
    token: SecurityContextToken;
    identifier: string;
    key: Uint8Array;
    keySize: number;
    instance?: string;
    lifetime?: Lifetime;
    attachedReference?: ParsedScTokenReference;
    unattachedReference?: ParsedScTokenReference;
  } = { version: r.version, mode, token: r.token, identifier: r.token.identifier, key, keySize };
  if (r.token.instance !== undefined) out.instance = r.token.instance;
  if (r.lifetime !== undefined) out.lifetime = r.lifetime;
  if (r.attachedReference !== undefined) out.attachedReference = r.attachedReference;
  if (r.unattachedReference !== undefined) out.unattachedReference = r.unattachedReference;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Service side

export interface IssueKeyOptions {
  /** Default combined. */
  mode?: EntropyMode;
  /** The key size the service issues, in bits (default 256). */
  keySize?: number;
  random?: (n: number) => Uint8Array;
  provider?: CryptoProvider;
}

export interface IssuedKey {
  readonly mode: EntropyMode;
  /** The SCT secret, for the token store. */
  readonly key: Uint8Array;
  readonly keySize: number;
  /** Server entropy to return (combined mode). */
  readonly serverEntropy?: Uint8Array;
  /** The RequestedProofToken to return (none in client mode). */
  readonly proof?: ProofToken;
}

/**
 * The service's half: checks the RST (issue or renew) against the service's entropy mode and key size, and makes
 * the key (WCF's ProcessRstAndIssueKey). Server entropy is keySize/8 non-zero bytes.
 * @throws TrustError REQUEST_TYPE, ENTROPY_MISSING, ENTROPY_MODE, ENTROPY_LENGTH, KEY_SIZE, KEY_SIZE_MISMATCH.
 */
export function issueSessionKey(rst: ParsedRequest, options: IssueKeyOptions = {}): IssuedKey {
  if (rst.requestType === 'cancel') throw new TrustError('REQUEST_TYPE', 'a Cancel request issues no key');
  const mode = options.mode ?? 'combined';
  const keySize = options.keySize ?? DEFAULT_KEY_SIZE;
  const random = options.random ?? randomBytes;
  checkKeySize(keySize, 'service KeySize');
  if (rst.keySize !== undefined && rst.keySize !== keySize) {
    throw new TrustError('KEY_SIZE_MISMATCH', `KeySize ${rst.keySize} requested, the service issues ${keySize}`);
  }
  if (mode === 'server') {
    if (rst.entropy !== undefined) throw new TrustError('ENTROPY_MODE', 'server entropy mode accepts no client entropy');
    const key = random(keySize / 8);
    return { mode, key, keySize, proof: { kind: 'binarySecret', key: key.slice() } };
  }
  if (rst.entropy === undefined) throw new TrustError('ENTROPY_MISSING', `${mode} entropy mode needs client entropy`);
  checkEntropy(rst.entropy, 'client entropy');
  if (mode === 'client') {
    if (rst.entropy.length * 8 !== keySize) throw new TrustError('KEY_SIZE_MISMATCH', `${rst.entropy.length * 8}-bit client entropy for a ${keySize}-bit key`);
    return { mode, key: rst.entropy.slice(), keySize };
  }
  const serverEntropy = generateServerEntropy(keySize / 8, random);
  const key = computeCombinedKey(rst.entropy, serverEntropy, keySize, options.provider ?? auto);
  return { mode, key, keySize, serverEntropy, proof: { kind: 'computedKey' } };
}
