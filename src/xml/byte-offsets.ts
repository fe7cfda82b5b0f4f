// Maps parser positions (UTF-16 code units of the decoded stream) back to input byte offsets (RFC 3629 §3 lengths).

interface Segment {
  readonly text: string;
  /** Position of text[0] in the decoded stream. */
  readonly unitStart: number;
  readonly byteStart: number;
  /** All ASCII: code unit i is byte i. */
  readonly ascii: boolean;
}

/**
 * Holds the decoded strings that a future query may still point into. Queries must come in non-decreasing
 * position order (document order); `release()` drops everything before a position no query will precede.
 *
 * PERF: ASCII segments (byte length = string length) answer in O(1); others are scanned once, forward, from a
 * cursor, so the total cost is linear in the decoded text that lies before the last query.
 */
export class ByteOffsetMap {
  readonly #segments: Segment[] = [];
  #first = 0;
  #unitEnd = 0;
  #byteEnd = 0;
  // Cursor inside #segments[#first]: a position and its byte offset, both absolute.
  #cursorUnit = 0;
  #cursorByte = 0;

  /** Appends the next decoded string and the number of input bytes it came from. */
  append(text: string, byteLength: number): void {
    if (text.length === 0) {
      this.#byteEnd += byteLength;
      return;
    }
    this.#segments.push({ text, unitStart: this.#unitEnd, byteStart: this.#byteEnd, ascii: text.length === byteLength });
    this.#unitEnd += text.length;
    this.#byteEnd += byteLength;
  }

  /** The byte offset of stream position `unit`. */
  toByte(unit: number): number {
    const segments = this.#segments;
    let seg = segments[this.#first];
    while (seg !== undefined && unit >= seg.unitStart + seg.text.length && this.#first + 1 < segments.length) {
      this.#first++;
      seg = segments[this.#first]!;
      this.#cursorUnit = seg.unitStart;
      this.#cursorByte = seg.byteStart;
    }
    if (seg === undefined || unit >= seg.unitStart + seg.text.length) {
      // Only the very end of the decoded input lies past the last segment.
      if (unit !== this.#unitEnd) throw new RangeError(`position ${unit} is beyond the decoded input (${this.#unitEnd})`);
      return this.#byteEnd;
    }
    if (seg.ascii) return seg.byteStart + (unit - seg.unitStart);
    if (unit < this.#cursorUnit || this.#cursorUnit < seg.unitStart) {
      this.#cursorUnit = seg.unitStart;
      this.#cursorByte = seg.byteStart;
    }
    const text = seg.text;
    let byte = this.#cursorByte;
    for (let i = this.#cursorUnit - seg.unitStart, end = unit - seg.unitStart; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) byte += 1;
      else if (c < 0x800) byte += 2;
      else if (c >= 0xd800 && c <= 0xdbff) {
        byte += 4;
        i++;
      } else byte += 3;
    }
    this.#cursorUnit = unit;
    this.#cursorByte = byte;
    return byte;
  }

  /** Forgets every segment that ends at or before `unit`; later queries must be at or after `unit`. */
  release(unit: number): void {
    this.toByte(unit);
    if (this.#first > 0) {
      this.#segments.splice(0, this.#first);
      this.#first = 0;
    }
  }
}

