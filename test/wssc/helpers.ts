// Shared helpers of the WS-SC tests: an independent P_SHA1 over node:crypto, error assertions, capture access.
import assert from 'node:assert/strict';
import { WsscError } from '../../src/errors.js';
import { SubtreeCollector, type TreeElement } from '../../src/dsig/tree.js';
import { XmlParser } from '../../src/xml/index.js';
import { readVector } from '../helpers/vectors.js';

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
export const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
export const toB64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

export { referencePHash as independentPHash } from '../helpers/p-hash.js';

/** Asserts that `fn` throws a WsscError of class `cls` with code `code`. */
export function assertRefused(fn: () => unknown, cls: new (...args: never[]) => WsscError, code: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
    assert.equal((err as WsscError).code, code, (err as Error).message);
    return true;
  });
}

/** The subtrees of every element `{uri}local` of a document (not nested inside another one). */
export function collect(doc: Uint8Array, uri: string, local: string): TreeElement[] {
  const c = new SubtreeCollector((el, captured) => captured || (el.uri === uri && el.local === local));
  const p = new XmlParser(c);
  p.write(doc);
  p.end();
  return c.roots;
}

/** The WCF capture (../shared/vectors/wcf/) and the values its README gives. */
export const WCF = {
  rstr: () => readVector('wcf/rstr-response.xml'),
  app: () => readVector('wcf/app-request.xml'),
  cancel: () => readVector('wcf/cancel-request.xml'),
  clientEntropy: '1TmBzNeSMhkxqHU+yWuwplJDS7NejEdnFlgRbGPyAOI=',
  serverEntropy: 'X10bPPRFJzVr13nwxYYVLpmd5Fsu6RR7jkF5xtCV/kM=',
  sctKey: 'H/N/QJpAIzvX652dTmpSKfx5jvchdVlWNaSPiPkNuP8=',
  identifier: 'urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08',
  sctId: 'uuid-e07815b0-d900-49c8-8ec6-a8ee018263c9-1',
};

/** The bytes of the SOAP Body's content (the capture has no whitespace, so a text cut is exact). */
export function bodyContent(doc: Uint8Array): string {
  const m = /<s:Body>([\s\S]*)<\/s:Body>/.exec(text(doc));
  assert.ok(m, 'no s:Body');
  return m[1]!;
}
