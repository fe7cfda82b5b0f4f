// Streaming UTF-8 decoding (RFC 3629 §3–4; XML 1.0 §4.3.3 "Character Encoding in Entities") that survives any chunk boundary.
import { XmlError } from '../errors.js';

/** Length of the UTF-8 sequence introduced by `lead`; invalid leads report 1 so that the decoder rejects them. */
function sequenceLength(lead: number): number {
  if (lead < 0xc0) return 1;
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  return 4;
}

/**
 * Decodes UTF-8 chunk by chunk into strings, holding back an incomplete trailing sequence (at most 3 bytes) until
 * the next chunk. Unlike `TextDecoder` in streaming mode it reports exactly how many input bytes each returned string
 * stands for (`lastByteLength`), which the parser needs to map character positions back to byte offsets.
 *
 * SECURITY: decoding is fatal: any invalid or truncated sequence, overlong form or encoded surrogate is an
 * `XmlError` with code `XML_ENCODING`, never a U+FFFD that would make two different inputs canonicalize alike.
 */
export class Utf8StreamDecoder {
  // SPEC: ignoreBOM keeps U+FEFF in the output so every code unit maps to input bytes; the parser skips a leading BOM.
  readonly #decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  readonly #carry = new Uint8Array(4);
  #carryLen = 0;
  #consumed = 0;
  /** Number of input bytes represented by the string the last `decode()` returned. */
  lastByteLength = 0;

  /** Decodes `chunk`; the result may be empty when the chunk only continues a held-back sequence. */
  decode(chunk: Uint8Array): string {
    let start = 0;
    let head = '';
    let headBytes = 0;
    if (this.#carryLen > 0) {
      const need = sequenceLength(this.#carry[0]!);
      const take = Math.min(need - this.#carryLen, chunk.length);
      this.#carry.set(chunk.subarray(0, take), this.#carryLen);
      this.#carryLen += take;
      start = take;
      if (this.#carryLen < need) {
        this.lastByteLength = 0;
        return '';
      }
      head = this.#strict(this.#carry.subarray(0, need));
      headBytes = need;
      this.#carryLen = 0;
    }
    const end = chunk.length;
    let tail = 0;
    for (let k = 1; k <= 3 && end - k >= start; k++) {
      const b = chunk[end - k]!;
      if ((b & 0xc0) === 0x80) continue;
      if (b >= 0xc0 && sequenceLength(b) > k) tail = k;
      break;
    }
    const body = chunk.subarray(start, end - tail);
    const text = body.length === 0 ? head : head + this.#strict(body);
    if (tail > 0) {
      this.#carry.set(chunk.subarray(end - tail));
      this.#carryLen = tail;
    }
    this.lastByteLength = headBytes + body.length;
    return text;
  }

  /** Ends the stream: a held-back incomplete sequence is an error. */
  end(): void {
    if (this.#carryLen > 0) {
      throw new XmlError('XML_ENCODING', `invalid UTF-8: truncated sequence at byte ${this.#consumed}`);
    }
  }

  #strict(bytes: Uint8Array): string {
    let text: string;
    try {
      text = this.#decoder.decode(bytes);
    } catch (err) {
      throw new XmlError('XML_ENCODING', `invalid UTF-8 in bytes ${this.#consumed}..${this.#consumed + bytes.length}`, { cause: err });
    }
    this.#consumed += bytes.length;
    return text;
  }
}
