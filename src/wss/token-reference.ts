// WSS 1.1 SOAP Message Security §7 (SecurityTokenReference: direct Reference §7.2, KeyIdentifier §7.3) and X.509 Token Profile 1.1 §3.2.
import { decodeBase64, encodeBase64 } from '../dsig/base64.js';
import { attribute, elementChildren, type TreeElement } from '../dsig/tree.js';
import { WsSecurityError } from '../errors.js';
import { NamespaceSnapshot } from '../soap/scope.js';
import { escapeAttribute } from '../soap/splice.js';
import { BASE64_BINARY, VALUE_TYPE, WSSE11_NAMESPACE, WSSE_NAMESPACE, WSU_NAMESPACE } from './namespaces.js';
import { subjectKeyIdentifier, thumbprintSha1 } from './x509.js';

/** The forms of SecurityTokenReference wssc writes and reads. */
export type TokenReference =
  | {
      readonly kind: 'reference';
      /** `#id` for a token in the message, or an absolute URI (an SCT's `urn:uuid:…` identifier). */
      readonly uri: string;
      readonly valueType?: string;
      readonly tokenType?: string;
      readonly id?: string;
    }
  | {
      readonly kind: 'keyIdentifier';
      /** `VALUE_TYPE.x509SubjectKeyIdentifier`, `VALUE_TYPE.thumbprintSha1`, `VALUE_TYPE.encryptedKeySha1`, … */
      readonly valueType: string;
      readonly value: Uint8Array;
      readonly tokenType?: string;
      readonly id?: string;
    };

/** A direct reference to an X.509 BinarySecurityToken in the same message. */
export function x509Reference(bstId: string): TokenReference {
  return { kind: 'reference', uri: `#${bstId}`, valueType: VALUE_TYPE.x509v3 };
}

/** A ThumbprintSHA1 key identifier of a certificate (DER). */
export function thumbprintReference(der: Uint8Array): TokenReference {
  return { kind: 'keyIdentifier', valueType: VALUE_TYPE.thumbprintSha1, value: thumbprintSha1(der) };
}

/** An X509SubjectKeyIdentifier key identifier; TOKEN_INVALID when the certificate has no SKI extension. */
export function subjectKeyIdentifierReference(der: Uint8Array): TokenReference {
  const ski = subjectKeyIdentifier(der);
  if (ski === undefined) throw new WsSecurityError('TOKEN_INVALID', 'the certificate has no SubjectKeyIdentifier extension');
  return { kind: 'keyIdentifier', valueType: VALUE_TYPE.x509SubjectKeyIdentifier, value: ski };
}

/** The `wsse:SecurityTokenReference` element, valid markup in `scope`. */
export function tokenReferenceXml(ref: TokenReference, scope: NamespaceSnapshot = NamespaceSnapshot.EMPTY): string {
  const o = scope.bind(WSSE_NAMESPACE, 'o');
  const inner = scope.with(o.prefix, WSSE_NAMESPACE);
  const p = `${o.prefix}:`;
  let decls = o.decl;
  let attrs = '';
  if (ref.id !== undefined) {
    const u = inner.bind(WSU_NAMESPACE, 'u');
    decls += u.decl;
    attrs += ` ${u.prefix}:Id="${escapeAttribute(ref.id)}"`;
  }
  if (ref.tokenType !== undefined) {
    const b = inner.bind(WSSE11_NAMESPACE, 'b');
    decls += b.decl;
    attrs += ` ${b.prefix}:TokenType="${escapeAttribute(ref.tokenType)}"`;
  }
  const body = ref.kind === 'reference'
    ? `<${p}Reference URI="${escapeAttribute(ref.uri)}"${ref.valueType === undefined ? '' : ` ValueType="${escapeAttribute(ref.valueType)}"`}></${p}Reference>`
    : `<${p}KeyIdentifier ValueType="${escapeAttribute(ref.valueType)}" EncodingType="${BASE64_BINARY}">${encodeBase64(ref.value)}</${p}KeyIdentifier>`;
  return `<${p}SecurityTokenReference${decls}${attrs}>${body}</${p}SecurityTokenReference>`;
}

const invalid = (message: string): WsSecurityError => new WsSecurityError('TOKEN_INVALID', message);

function qualified(node: TreeElement, uri: string, local: string): string | undefined {
  for (const a of node.el.attributes) if (a.uri === uri && a.local === local) return a.value;
  return undefined;
}

function textOf(node: TreeElement): string {
  let s = '';
  for (const c of node.children) {
    if (c.type === 'text') s += c.value;
    else throw invalid(`${node.el.name} must hold text only`);
  }
  return s;
}

/**
 * Reads a `wsse:SecurityTokenReference` element (its subtree from the parser).
 * @throws WsSecurityError `TOKEN_INVALID` for any other shape (no child, several, an unknown child, bad base64).
 */
export function parseTokenReference(node: TreeElement): TokenReference {
  if (node.el.uri !== WSSE_NAMESPACE || node.el.local !== 'SecurityTokenReference') throw invalid(`${node.el.name} is not a SecurityTokenReference`);
  const kids = elementChildren(node);
  if (kids.length !== 1) throw invalid(`a SecurityTokenReference holds ${kids.length} elements (one is accepted)`);
  const child = kids[0]!;
  const tokenType = qualified(node, WSSE11_NAMESPACE, 'TokenType');
  const id = qualified(node, WSU_NAMESPACE, 'Id');
  const extra = { ...(tokenType === undefined ? {} : { tokenType }), ...(id === undefined ? {} : { id }) };
  if (child.el.uri === WSSE_NAMESPACE && child.el.local === 'Reference') {
    const uri = attribute(child, 'URI');
    if (uri === undefined || uri === '') throw invalid('a Reference without URI');
    const valueType = attribute(child, 'ValueType');
    return { kind: 'reference', uri, ...(valueType === undefined ? {} : { valueType }), ...extra };
  }
  if (child.el.uri === WSSE_NAMESPACE && child.el.local === 'KeyIdentifier') {
    const valueType = attribute(child, 'ValueType');
    if (valueType === undefined) throw invalid('a KeyIdentifier without ValueType');
    const encoding = attribute(child, 'EncodingType');
    if (encoding !== undefined && encoding !== BASE64_BINARY) throw invalid(`unsupported KeyIdentifier EncodingType ${encoding}`);
    let value: Uint8Array;
    try {
      value = decodeBase64(textOf(child), 'KeyIdentifier');
    } catch (err) {
      throw invalid((err as Error).message);
    }
    return { kind: 'keyIdentifier', valueType, value, ...extra };
  }
  throw invalid(`unsupported SecurityTokenReference form ${child.el.name}`);
}

/** The local Id a `#id` reference names, or undefined for other URIs. */
export function localId(ref: TokenReference): string | undefined {
  return ref.kind === 'reference' && ref.uri.startsWith('#') ? ref.uri.slice(1) : undefined;
}
