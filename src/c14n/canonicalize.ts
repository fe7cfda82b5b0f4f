// Canonicalization of a document or of one element (C14N 1.0 §2, Exc-C14N 1.0 §3), bytes in → bytes out, streaming.
import { C14nError } from '../errors.js';
import type { XmlElement } from '../xml/events.js';
import type { XmlLimits } from '../xml/limits.js';
import { XmlParser } from '../xml/parser.js';
import type { C14nMethod } from './c14n-writer.js';
import { NodeSetRouter } from './node-set-router.js';
import { parsePrefixList } from './prefix-list.js';
import { CollectSink, type ByteSink } from './sink.js';

export interface CanonicalizeOptions {
  /** `'exclusive'` (default; Exc-C14N 1.0) or `'inclusive'` (Canonical XML 1.0). */
  method?: C14nMethod;
  /** Keep comments (the `#WithComments` variants). Default false. */
  withComments?: boolean;
  /** Exclusive only: InclusiveNamespaces PrefixList, e.g. `"soap xsd #default"`. */
  prefixList?: string | readonly string[];
  /** Canonicalize only the element whose wsu:Id, Id, ID or xml:id is this value (and its subtree). */
  id?: string;
  /** Canonicalize only the first element (and its subtree) this predicate accepts; `id` takes precedence. */
  select?: (element: XmlElement) => boolean;
  /** Parser limits (see `XmlLimits`). */
  limits?: Partial<XmlLimits>;
  /** Output buffer size in bytes (default 16 KiB). */
  bufferSize?: number;
}

/** A push canonicalizer: `write()` input chunks, then `end()`; the sink receives output as it is produced. */
export interface StreamingCanonicalizer {
  write(chunk: Uint8Array): void;
  end(): void;
}

/**
 * Creates a streaming canonicalizer writing to `sink`. Input is UTF-8 XML in chunks split anywhere.
 * @throws XmlError for unacceptable input; C14nError for an unknown or duplicate Id or a bad option.
 * @example
 *   const sink = new CollectSink();
 *   const c = createCanonicalizer(sink, { id: '_1' });
 *   for (const chunk of chunks) c.write(chunk);
 *   c.end(); // sink.bytes() is the exc-c14n of the element with Id "_1"
 */
export function createCanonicalizer(sink: ByteSink, options: CanonicalizeOptions = {}): StreamingCanonicalizer {
  const method = options.method ?? 'exclusive';
  if (method !== 'exclusive' && method !== 'inclusive') throw new C14nError('C14N_OPTION', `unknown c14n method ${String(method)}`);
  if (method === 'inclusive' && options.prefixList !== undefined) {
    throw new C14nError('C14N_OPTION', 'a PrefixList applies to exclusive canonicalization only');
  }
  const router = new NodeSetRouter(
    [{ id: options.id ?? null, match: options.select ?? null, method, withComments: options.withComments === true, inclusivePrefixes: parsePrefixList(options.prefixList), sink }],
    options.bufferSize === undefined ? {} : { bufferSize: options.bufferSize },
  );
  const parser = new XmlParser(router, options.limits === undefined ? {} : { limits: options.limits });
  return {
    write: (chunk) => parser.write(chunk),
    end: () => {
      parser.end();
      router.finish();
    },
  };
}

/**
 * Canonicalizes a whole input (one buffer or a sequence of chunks) and returns the canonical bytes.
 * @throws XmlError, C14nError as `createCanonicalizer`.
 * @example canonicalize(new TextEncoder().encode('<a b="1" a="2"/>')) // bytes of '<a a="2" b="1"></a>'
 */
export function canonicalize(input: Uint8Array | Iterable<Uint8Array>, options: CanonicalizeOptions = {}): Uint8Array {
  const sink = new CollectSink();
  const c = createCanonicalizer(sink, options);
  if (input instanceof Uint8Array) c.write(input);
  else for (const chunk of input) c.write(chunk);
  c.end();
  return sink.bytes();
}
