// WS-Security 1.1 §7 SecurityTokenReference in the forms WS-SecureConversation 1.3 §3/§7 and WCF use (protocol.md §1.4, §5.1, §5.3).
import { TokenError } from '../errors.js';
import { WSSE11_NAMESPACE, WSSE_NAMESPACE, WSSC_VERSIONS, WSU_NAMESPACE, type WsscVersion } from './versions.js';
import { FragmentWriter, attr, elementContent, isElement, textContent, trimXml, type AttrSpec, type TreeElement } from './xml-io.js';

/** `o:Reference URI=…`: `#id` for a token in the same message, an absolute URI (the SCT Identifier) otherwise. */
export interface ReferenceForm {
  readonly kind: 'reference';
  readonly uri: string;
  readonly valueType?: string;
  /** SPEC: the key generation of a renewed SCT, written as an `sc:Instance` attribute on the Reference (protocol.md §1.4). */
  readonly instance?: string;
}

/** `o:KeyIdentifier ValueType=… EncodingType=…>value<` (for example EncryptedKeySHA1 in the bootstrap, protocol.md §5.3). */
export interface KeyIdentifierForm {
  readonly kind: 'keyIdentifier';
  readonly valueType?: string;
  readonly encodingType?: string;
  /** The text content as written (base64 for EncryptedKeySHA1). */
  readonly value: string;
}

export type ScTokenReference = ReferenceForm | KeyIdentifierForm;

/** A parsed SecurityTokenReference: its one clause plus the STR's own optional attributes. */
export type ParsedScTokenReference = ScTokenReference & { readonly id?: string; readonly tokenType?: string };

export const BASE64_ENCODING_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

const refError = (message: string): TokenError => new TokenError('TOKEN_REFERENCE', message);
const structure = (message: string): TokenError => new TokenError('TOKEN_STRUCTURE', message);

/** A reference to an SCT in the same message by its wsu:Id (the attached reference). */
export function sctLocalReference(version: WsscVersion, id: string): ReferenceForm {
  return { kind: 'reference', uri: `#${id}`, valueType: version.sctTokenType };
}

/** A reference to an SCT by its Identifier (the unattached reference), with the key generation of a renewed one. */
export function sctExternalReference(version: WsscVersion, identifier: string, instance?: string): ReferenceForm {
  return instance === undefined
    ? { kind: 'reference', uri: identifier, valueType: version.sctTokenType }
    : { kind: 'reference', uri: identifier, valueType: version.sctTokenType, instance };
}

/**
 * Writes `<o:SecurityTokenReference>` with the clause. Attribute order follows WCF's bytes: ValueType before URI
 * for a `#id` reference, URI first for an Identifier (../shared/vectors/wcf/rstr-response.xml).
 */
export function writeScTokenReference(w: FragmentWriter, ref: ScTokenReference, version?: WsscVersion): void {
  w.open('o', 'SecurityTokenReference', WSSE_NAMESPACE);
  if (ref.kind === 'reference') {
    if (ref.uri === '') throw new RangeError('a Reference needs a URI');
    const attrs: AttrSpec[] = [];
    const local = ref.uri.startsWith('#');
    if (local && ref.valueType !== undefined) attrs.push(['ValueType', ref.valueType]);
    attrs.push(['URI', ref.uri]);
    if (!local && ref.valueType !== undefined) attrs.push(['ValueType', ref.valueType]);
    if (ref.instance !== undefined) {
      if (version === undefined) throw new RangeError('an Instance attribute needs the WS-SC version');
      attrs.push([`${version.scPrefix}:Instance`, ref.instance, version.sc]);
    }
    w.open('o', 'Reference', WSSE_NAMESPACE, attrs).close();
  } else {
    const attrs: AttrSpec[] = [];
    if (ref.valueType !== undefined) attrs.push(['ValueType', ref.valueType]);
    if (ref.encodingType !== undefined) attrs.push(['EncodingType', ref.encodingType]);
    w.leaf('o', 'KeyIdentifier', WSSE_NAMESPACE, ref.value, attrs);
  }
  w.close();
}

/** The SecurityTokenReference alone, as a standalone fragment (UTF-8 is the caller's: this returns the markup). */
export function scTokenReferenceMarkup(ref: ScTokenReference, version?: WsscVersion, inScope?: Record<string, string>): string {
  const w = new FragmentWriter(inScope);
  writeScTokenReference(w, ref, version);
  return w.toString();
}

/**
 * Reads an `o:SecurityTokenReference` element holding exactly one Reference or KeyIdentifier.
 * `version`, when given, is the only WS-SC namespace whose `Instance` attribute is read; otherwise either is.
 * @throws TokenError TOKEN_REFERENCE (another clause, several, none, an empty URI), TOKEN_STRUCTURE.
 */
export function parseScTokenReference(node: TreeElement, version?: WsscVersion): ParsedScTokenReference {
  if (!isElement(node, WSSE_NAMESPACE, 'SecurityTokenReference')) throw refError(`expected o:SecurityTokenReference, found ${node.el.name}`);
  const kids = elementContent(node, structure);
  if (kids.length !== 1) throw refError(`a SecurityTokenReference must hold one clause, found ${kids.length}`);
  const clause = kids[0]!;
  const extra: { id?: string; tokenType?: string } = {};
  const id = attr(node, 'Id', WSU_NAMESPACE);
  if (id !== undefined) extra.id = id;
  const tokenType = attr(node, 'TokenType', WSSE11_NAMESPACE);
  if (tokenType !== undefined) extra.tokenType = tokenType;
  if (isElement(clause, WSSE_NAMESPACE, 'Reference')) {
    if (elementContent(clause, structure).length > 0) throw refError('o:Reference has children');
    const uri = attr(clause, 'URI');
    if (uri === undefined || trimXml(uri) === '') throw refError('o:Reference without a URI');
    const out: { kind: 'reference'; uri: string; valueType?: string; instance?: string } = { kind: 'reference', uri: trimXml(uri) };
    const valueType = attr(clause, 'ValueType');
    if (valueType !== undefined) out.valueType = valueType;
    for (const v of version === undefined ? WSSC_VERSIONS : [version]) {
      const instance = attr(clause, 'Instance', v.sc);
      if (instance !== undefined) out.instance = trimXml(instance);
    }
    return { ...out, ...extra };
  }
  if (isElement(clause, WSSE_NAMESPACE, 'KeyIdentifier')) {
    const value = trimXml(textContent(clause, structure));
    if (value === '') throw refError('empty o:KeyIdentifier');
    const out: { kind: 'keyIdentifier'; value: string; valueType?: string; encodingType?: string } = { kind: 'keyIdentifier', value };
    const valueType = attr(clause, 'ValueType');
    if (valueType !== undefined) out.valueType = valueType;
    const encodingType = attr(clause, 'EncodingType');
    if (encodingType !== undefined) out.encodingType = encodingType;
    return { ...out, ...extra };
  }
  throw refError(`unsupported SecurityTokenReference clause ${clause.el.name}`);
}

/** True when `ref` points at the SCT with this wsu:Id or this Identifier (and key generation, when one is given). */
export function referencesSct(ref: ScTokenReference, sct: { id?: string; identifier: string; instance?: string }): boolean {
  if (ref.kind !== 'reference') return false;
  if (sct.id !== undefined && ref.uri === `#${sct.id}`) return true;
  return ref.uri === sct.identifier && ref.instance === sct.instance;
}
