// A sink that hashes canonical bytes as they arrive (XMLDSig 1.1 §4.4.3.2: the digest input is the c14n octet stream).
import type { Hasher } from '../crypto/provider.js';
import { C14nError } from '../errors.js';
import type { ByteSink } from './sink.js';

/** Feeds every chunk to `hasher.update()`; the digest is available after `end()`. No output string is ever built. */
export class DigestSink implements ByteSink {
  readonly #hasher: Hasher;
  #digest: Uint8Array | undefined;
  /** Number of canonical bytes hashed. */
  length = 0;

  constructor(hasher: Hasher) {
    this.#hasher = hasher;
  }

  write(chunk: Uint8Array): void {
    this.length += chunk.length;
    this.#hasher.update(chunk);
  }

  end(): void {
    this.#digest = this.#hasher.digest();
  }

  /** The digest; throws before `end()`. */
  digest(): Uint8Array {
    if (this.#digest === undefined) throw new C14nError('C14N_INCOMPLETE', 'the canonical output has not ended');
    return this.#digest;
  }
}
