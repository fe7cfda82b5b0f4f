// WSS 1.1 SOAP Message Security §6.3 (BinarySecurityToken) with the X.509 Token Profile 1.1 §3.1 X509v3 value type.
import { decodeBase64, encodeBase64 } from '../dsig/base64.js';
import { attribute, type TreeElement } from '../dsig/tree.js';
import { WsSecurityError } from '../errors.js';
import { NamespaceSnapshot } from '../soap/scope.js';
import { escapeAttribute } from '../soap/splice.js';
import { BASE64_BINARY, VALUE_TYPE, WSSE_NAMESPACE, WSU_NAMESPACE } from './namespaces.js';

export interface BinarySecurityToken {
  readonly id?: string;
  readonly valueType: string;
  /** The decoded token bytes (the certificate's DER for X509v3). */
  readonly value: Uint8Array;
}

/** The `wsse:BinarySecurityToken` of an X.509v3 certificate (DER), valid markup in `scope`. */
export function x509TokenXml(der: Uint8Array, id: string, scope: NamespaceSnapshot = NamespaceSnapshot.EMPTY): string {
  const o = scope.bind(WSSE_NAMESPACE, 'o');
  const u = scope.with(o.prefix, WSSE_NAMESPACE).bind(WSU_NAMESPACE, 'u');
  return `<${o.prefix}:BinarySecurityToken${o.decl}${u.decl} ${u.prefix}:Id="${escapeAttribute(id)}" ValueType="${VALUE_TYPE.x509v3}" ` +
    `EncodingType="${BASE64_BINARY}">${encodeBase64(der)}</${o.prefix}:BinarySecurityToken>`;
}

/** Reads a BinarySecurityToken subtree. @throws WsSecurityError `TOKEN_INVALID`. */
export function parseBinarySecurityToken(node: TreeElement): BinarySecurityToken {
  const invalid = (m: string): WsSecurityError => new WsSecurityError('TOKEN_INVALID', m);
  if (node.el.uri !== WSSE_NAMESPACE || node.el.local !== 'BinarySecurityToken') throw invalid(`${node.el.name} is not a BinarySecurityToken`);
  const valueType = attribute(node, 'ValueType');
  if (valueType === undefined) throw invalid('a BinarySecurityToken without ValueType');
  const encoding = attribute(node, 'EncodingType');
  if (encoding !== undefined && encoding !== BASE64_BINARY) throw invalid(`unsupported EncodingType ${encoding}`);
  let text = '';
  for (const c of node.children) {
    if (c.type !== 'text') throw invalid('a BinarySecurityToken must hold text only');
    text += c.value;
  }
  let value: Uint8Array;
  try {
    value = decodeBase64(text, 'BinarySecurityToken');
  } catch (err) {
    throw invalid((err as Error).message);
  }
  let id: string | undefined;
  for (const a of node.el.attributes) if (a.uri === WSU_NAMESPACE && a.local === 'Id') id = a.value;
  return { valueType, value, ...(id === undefined ? {} : { id }) };
}
