// Reference digests of XMLDSig 1.1 §4.4.3 (same-document `#id` and `""` URIs): c14n → DigestMethod, several in one streaming pass.
import { auto } from '../crypto/index.js';
import type { CryptoProvider, HashAlg } from '../crypto/provider.js';
import { C14nError } from '../errors.js';
import type { XmlElement } from '../xml/events.js';
import type { XmlLimits } from '../xml/limits.js';
import { XmlParser } from '../xml/parser.js';
import type { C14nMethod } from './c14n-writer.js';
import { DigestSink } from './digest-sink.js';
import type { IdIndex } from './id-index.js';
import { NodeSetRouter, type NodeSetTarget } from './node-set-router.js';
import { parsePrefixList } from './prefix-list.js';

/** One reference to digest. */
export interface ReferenceRequest {
  /** The Id of the referenced element (`URI="#x"` → `'x'`), or `''` for the whole document (`URI=""`). */
  id: string;
  /** Digest algorithm. */
  alg: HashAlg;
  /** `'exclusive'` (default) or `'inclusive'` (the implicit C14N 1.0 of XMLDSig §4.4.3.2). */
  method?: C14nMethod;
  /**
   * Keep comments. Default false. SPEC: XMLDSig 1.1 §4.4.3.3: `URI=""` and `#id` dereference to node-sets without
   * comments even under a `#WithComments` transform; only XPointer URIs keep them, so the caller decides.
   */
  withComments?: boolean;
  /** Exclusive only: the InclusiveNamespaces PrefixList of this reference's transform. */
  prefixList?: string | readonly string[];
}

/** The digest of one reference and where its element lies in the input. */
export interface ReferenceDigest {
  readonly id: string;
  readonly alg: HashAlg;
  readonly digest: Uint8Array;
  /** Length of the canonical form in bytes. */
  readonly canonicalLength: number;
  /** The referenced element's qualified name, namespace URI and local name (`''` for the whole document). */
  readonly name: string;
  readonly uri: string;
  readonly local: string;
  /** Byte range of the element in the input: `<` of its start tag to just after its end tag (whole document: all of it). */
  readonly byteStart: number;
  readonly byteEnd: number;
}

export interface DigestReferencesOptions {
  /** Hash provider; default `auto`. */
  provider?: CryptoProvider;
  limits?: Partial<XmlLimits>;
  /** Output buffer size per reference in bytes (default 16 KiB). */
  bufferSize?: number;
}

/** A push digester: `write()` input chunks, then `end()` for the digests (in request order). */
export interface ReferenceDigester {
  write(chunk: Uint8Array): void;
  end(): ReferenceDigest[];
  /** Every Id of the document (complete after `end()`); each element carries its byte range. */
  readonly ids: IdIndex;
}

/**
 * Creates a digester for `requests`: one parse of the input canonicalizes every referenced subtree, each with its
 * own ancestor namespace context, method, comment mode and PrefixList, hashing canonical bytes as they are produced.
 * @throws XmlError for unacceptable input; C14nError `DUPLICATE_ID` (any Id twice in the document, referenced or
 *   not), `ID_NOT_FOUND`, `C14N_OPTION`, `C14N_PREFIX_LIST`.
 * @example
 *   const d = createReferenceDigester([{ id: '_0', alg: 'sha1' }, { id: '_1', alg: 'sha1' }]);
 *   d.write(envelopeBytes);
 *   const [timestamp, body] = d.end();
 */
export function createReferenceDigester(requests: readonly ReferenceRequest[], options: DigestReferencesOptions = {}): ReferenceDigester {
  const provider = options.provider ?? auto;
  const sinks: DigestSink[] = [];
  const targets: NodeSetTarget[] = requests.map((r) => {
    const method = r.method ?? 'exclusive';
    if (method !== 'exclusive' && method !== 'inclusive') throw new C14nError('C14N_OPTION', `unknown c14n method ${String(method)}`);
    if (method === 'inclusive' && r.prefixList !== undefined) {
      throw new C14nError('C14N_OPTION', 'a PrefixList applies to exclusive canonicalization only');
    }
    if (typeof r.id !== 'string') throw new C14nError('C14N_OPTION', 'a reference needs an id (\'\' for the whole document)');
    const sink = new DigestSink(provider.createHash(r.alg));
    sinks.push(sink);
    return { id: r.id === '' ? null : r.id, method, withComments: r.withComments === true, inclusivePrefixes: parsePrefixList(r.prefixList), sink };
  });
  // SECURITY: the index (and its duplicate-Id refusal) always covers the whole document here, whatever is referenced.
  const router = new NodeSetRouter(targets, { indexIds: true, ...(options.bufferSize === undefined ? {} : { bufferSize: options.bufferSize }) });
  const parser = new XmlParser(router, options.limits === undefined ? {} : { limits: options.limits });
  let bytes = 0;
  let results: ReferenceDigest[] | undefined;
  return {
    ids: router.ids,
    write(chunk) {
      parser.write(chunk);
      bytes += chunk.length;
    },
    end() {
      if (results !== undefined) return results;
      parser.end();
      router.finish();
      results = requests.map((r, i) => {
        const apex: XmlElement | null | undefined = router.apexOf(targets[i]!);
        const sink = sinks[i]!;
        return {
          id: r.id,
          alg: r.alg,
          digest: sink.digest(),
          canonicalLength: sink.length,
          name: apex?.name ?? '',
          uri: apex?.uri ?? '',
          local: apex?.local ?? '',
          byteStart: apex ? apex.byteStart : 0,
          byteEnd: apex ? apex.byteEnd : bytes,
        };
      });
      return results;
    },
  };
}

/**
 * Digests several references of one document in one pass. Results are in request order.
 * @throws as `createReferenceDigester`.
 * @example digestReferences(bytes, [{ id: '_1', alg: 'sha1', prefixList: 'xsd' }])[0].digest
 */
export function digestReferences(
  input: Uint8Array | Iterable<Uint8Array>,
  requests: readonly ReferenceRequest[],
  options: DigestReferencesOptions = {},
): ReferenceDigest[] {
  const d = createReferenceDigester(requests, options);
  if (input instanceof Uint8Array) d.write(input);
  else for (const chunk of input) d.write(chunk);
  return d.end();
}
