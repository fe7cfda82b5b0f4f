// Locating ../shared/vectors (public test data, never copied into the repository) and small byte helpers.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Absolute path of a file under ../shared/vectors, relative to the repository root (tests run from it). */
export function vectorPath(relative: string): string {
  return resolve(process.cwd(), '..', 'shared', 'vectors', relative);
}

export function readVector(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(vectorPath(relative)));
}

export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
export const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
