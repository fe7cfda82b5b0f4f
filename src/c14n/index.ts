// wssc/c14n: Canonical XML 1.0, Exclusive XML Canonicalization 1.0 and XMLDSig reference digests over the streaming parser.
export { canonicalize, createCanonicalizer, type CanonicalizeOptions, type StreamingCanonicalizer } from './canonicalize.js';
export {
  createReferenceDigester,
  digestReferences,
  type DigestReferencesOptions,
  type ReferenceDigest,
  type ReferenceDigester,
  type ReferenceRequest,
} from './digest-references.js';
export { C14nWriter, type C14nMethod, type C14nWriterOptions } from './c14n-writer.js';
export { NodeSetRouter, type NodeSetTarget } from './node-set-router.js';
export { IdIndex, idsOf, WSU_NAMESPACE } from './id-index.js';
export { parsePrefixList } from './prefix-list.js';
export { CollectSink, type ByteSink } from './sink.js';
export { DigestSink } from './digest-sink.js';
export { compareCodePoints } from './compare.js';
