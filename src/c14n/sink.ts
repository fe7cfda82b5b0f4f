// Byte sinks for canonical output (ARCHITECTURE.md "Bytes in, bytes out"; C14N 1.0 §1.1: the output is an octet stream).

/**
 * Receives canonical bytes in order. `chunk` is only valid during the call (the writer reuses its buffer), so a
 * sink that keeps bytes must copy them. `end()` is called once, after the last byte.
 */
export interface ByteSink {
  write(chunk: Uint8Array): void;
  end(): void;
}

/** Collects everything written into one `Uint8Array`. */
export class CollectSink implements ByteSink {
  #chunks: Uint8Array[] = [];
  #length = 0;
  #result: Uint8Array | undefined;

  write(chunk: Uint8Array): void {
    this.#chunks.push(chunk.slice());
    this.#length += chunk.length;
  }

  end(): void {
    this.#result = this.bytes();
  }

  /** The bytes written so far (all of them once `end()` was called). */
  bytes(): Uint8Array {
    if (this.#result !== undefined) return this.#result;
    if (this.#chunks.length === 1) return this.#chunks[0]!;
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.#chunks = [out];
    return out;
  }
}
