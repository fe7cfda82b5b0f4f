// Shared helpers of the XML Encryption tests: SOAP envelopes, keys, error assertions.
import assert from 'node:assert/strict';
import { canonicalize } from '../../src/c14n/canonicalize.js';
import { DecryptionError, WsscError } from '../../src/errors.js';

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
export const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
export const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';

/** A SOAP envelope whose Body child uses prefixes declared only on the Envelope (the namespace-context case). */
export function envelope(soap: string, body = '<m:Echo xmlns="urn:default" m:a="1"><t:text>secret &amp; payload</t:text><plain/></m:Echo>'): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope xmlns:s="${soap}" xmlns:m="urn:message" xmlns:t="urn:text" xmlns:u="${WSU}">` +
    `<s:Header><m:To>urn:to</m:To></s:Header><s:Body u:Id="_1">${body}</s:Body></s:Envelope>`
  );
}

/** Asserts that `fn` throws a WsscError of class `cls` with code `code`. */
export function assertRefused(fn: () => unknown, cls: new (...args: never[]) => WsscError, code: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
    assert.equal((err as WsscError).code, code, (err as Error).message);
    return true;
  });
}

/** Asserts the one opaque decryption failure: class, code and message all fixed. */
export function assertDecryptionFailed(fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DecryptionError, `expected DecryptionError, got ${String(err)}`);
    assert.equal(err.code, 'DECRYPTION_FAILED');
    assert.equal(err.message, 'decryption failed');
    assert.equal(err.cause, undefined);
    return true;
  });
}

/** Exclusive canonical form of a whole document, to compare documents that differ only in serialization. */
export const c14n = (doc: Uint8Array | string): string => text(canonicalize(typeof doc === 'string' ? utf8(doc) : doc, {}));
