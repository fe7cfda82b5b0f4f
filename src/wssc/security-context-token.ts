// WS-SecureConversation 1.3 §3 (Security Context Token), with WCF's Instance (key generation) and dnse:Cookie (protocol.md §1.4).
import { TokenError } from '../errors.js';
import { encodeBase64 } from '../dsig/base64.js';
import { DNSE_NAMESPACE, WSU_NAMESPACE, versionOfScNamespace, type WsscVersion } from './versions.js';
import {
  FragmentWriter,
  attr,
  base64Content,
  elementContent,
  isElement,
  readBodyElement,
  textContent,
  trimXml,
  utf8,
  type AttrSpec,
  type ReadOptions,
  type TreeElement,
} from './xml-io.js';

export interface SecurityContextToken {
  readonly version: WsscVersion;
  /** The context's `urn:uuid:` Identifier; it stays the same across renewals. */
  readonly identifier: string;
  /** The key generation of a renewed key (`c:Instance`); absent for the first key. */
  readonly instance?: string;
  /** wsu:Id, the target of attached (`#id`) references. */
  readonly id?: string;
  /** Cookie-mode tokens: the opaque state the service sealed into the token (`dnse:Cookie`). */
  readonly cookie?: Uint8Array;
}

const structure = (message: string): TokenError => new TokenError('TOKEN_STRUCTURE', message);

/** Writes the SCT element in WCF's order: Identifier, Instance, Cookie. */
export function writeSecurityContextToken(w: FragmentWriter, sct: SecurityContextToken): void {
  const v = sct.version;
  if (trimXml(sct.identifier) === '') throw new RangeError('an SCT needs an Identifier');
  const attrs: AttrSpec[] = sct.id === undefined ? [] : [['u:Id', sct.id, WSU_NAMESPACE]];
  w.open(v.scPrefix, 'SecurityContextToken', v.sc, attrs);
  w.leaf(v.scPrefix, 'Identifier', v.sc, sct.identifier);
  if (sct.instance !== undefined) w.leaf(v.scPrefix, 'Instance', v.sc, sct.instance);
  if (sct.cookie !== undefined) w.leaf('dnse', 'Cookie', DNSE_NAMESPACE, encodeBase64(sct.cookie));
  w.close();
}

/** The SCT as UTF-8 bytes; `inScope` lists the prefix bindings already in force where it will be placed. */
export function buildSecurityContextToken(sct: SecurityContextToken, inScope?: Record<string, string>): Uint8Array {
  const w = new FragmentWriter(inScope);
  writeSecurityContextToken(w, sct);
  return utf8(w.toString());
}

export interface ParseTokenOptions extends ReadOptions {
  /** The only version accepted; by default either, as the element's namespace says. */
  version?: WsscVersion;
}

/**
 * Reads a `SecurityContextToken` element (of a header tree or of an RSTR).
 * @throws TokenError TOKEN_VERSION (not a WS-SC namespace, or not the expected one), TOKEN_STRUCTURE (missing or
 *   empty Identifier, children out of order, repeated or unknown, a bad cookie).
 */
export function parseSecurityContextTokenElement(node: TreeElement, options: { version?: WsscVersion } = {}): SecurityContextToken {
  const version = versionOfScNamespace(node.el.uri);
  if (version === undefined || node.el.local !== 'SecurityContextToken') {
    throw new TokenError('TOKEN_VERSION', `expected a SecurityContextToken, found {${node.el.uri}}${node.el.local}`);
  }
  if (options.version !== undefined && options.version !== version) {
    throw new TokenError('TOKEN_VERSION', `SecurityContextToken of WS-SC ${version.name}, expected ${options.version.name}`);
  }
  const kids = elementContent(node, structure);
  let i = 0;
  const identifierNode = kids[i];
  if (identifierNode === undefined || !isElement(identifierNode, version.sc, 'Identifier')) throw structure('SecurityContextToken without Identifier');
  i++;
  const identifier = trimXml(textContent(identifierNode, structure));
  if (identifier === '') throw structure('empty SCT Identifier');
  const out: { version: WsscVersion; identifier: string; instance?: string; id?: string; cookie?: Uint8Array } = { version, identifier };
  const id = attr(node, 'Id', WSU_NAMESPACE);
  if (id !== undefined) out.id = id;
  if (kids[i] !== undefined && isElement(kids[i]!, version.sc, 'Instance')) {
    const instance = trimXml(textContent(kids[i]!, structure));
    if (instance === '') throw structure('empty SCT Instance');
    out.instance = instance;
    i++;
  }
  if (kids[i] !== undefined && isElement(kids[i]!, DNSE_NAMESPACE, 'Cookie')) {
    const cookie = base64Content(kids[i]!, structure);
    if (cookie.length === 0) throw structure('empty SCT cookie');
    out.cookie = cookie;
    i++;
  }
  if (i < kids.length) throw structure(`unexpected ${kids[i]!.el.name} in SecurityContextToken`);
  return out;
}

/** Reads an SCT from bytes: the element itself, or the one Body child of a SOAP envelope. */
export function parseSecurityContextToken(input: Uint8Array, options: ParseTokenOptions = {}): SecurityContextToken {
  return parseSecurityContextTokenElement(readBodyElement(input, structure, options), options);
}
