// Shared helpers of the XMLDSig tests: vector paths, an HMAC signer over the oracle templates, error assertions.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { WsscError } from '../../src/errors.js';

export const VECTORS = resolve(process.cwd(), '../shared/vectors');
export const ORACLES = resolve(process.cwd(), '../shared/oracles');
export const vector = (path: string): Uint8Array => new Uint8Array(readFileSync(resolve(VECTORS, path)));
export const oracle = (path: string): string => readFileSync(resolve(ORACLES, path), 'utf8');
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Asserts that `fn` throws a WsscError of class `cls` with code `code`. */
export function assertRefused(fn: () => unknown, cls: new (...args: never[]) => WsscError, code: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
    assert.equal((err as WsscError).code, code, (err as Error).message);
    return true;
  });
}

/** The sign template of ../shared/oracles without its Signature: a SOAP 1.2 envelope with Timestamp _0 and Body _1. */
export function unsignedEnvelope(template = 'sign-tmpl.xml'): string {
  return oracle(template).replace(/<Signature[\s\S]*<\/Signature>\s*/, '');
}
