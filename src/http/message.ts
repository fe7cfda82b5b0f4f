// RFC 9112 §5 field lines, §6.2 Content-Length, §7.1 chunk-size lines and RFC 9110 §7.6.1 Connection: the message syntax both wssc's HTTP/1.1 client and server read.

/** RFC 9110 §5.6.2 token (field names, methods). */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Field values: HTAB, visible ASCII, SP and obs-text (RFC 9110 §5.5); no CR, LF or NUL. */
export const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
/** A Content-Length value: 1 to 15 digits (an exact number). */
export const DIGITS = /^\d{1,15}$/;
/** chunk-size [ chunk-ext ]: up to 13 significant hex digits (an exact number), extensions read past. */
const CHUNK_LINE = /^0*([0-9A-Fa-f]{1,13})[ \t]*(?:;[\t\x20-\x7e\x80-\xff]*)?$/;

/** The size a chunk-size line (without its CRLF) announces, or undefined when the line is malformed. */
export function chunkSize(line: string): number | undefined {
  const m = CHUNK_LINE.exec(line);
  return m === null ? undefined : parseInt(m[1]!, 16);
}

/**
 * Hands each field line of `section` (CRLF-separated lines from `from` to the end) to `onField`, its name lower-cased
 * and its value without the surrounding OWS; returns why the section is refused, or undefined.
 * SECURITY: obs-fold (RFC 9112 §5.2), a line without a name, whitespace before the colon (§5.1) and CR, LF, NUL or
 * other controls in a value are refused rather than guessed at.
 */
export function readFields(section: string, from: number, onField: (name: string, value: string) => void): string | undefined {
  for (let at = from; at < section.length;) {
    let eol = section.indexOf('\r\n', at);
    if (eol < 0) eol = section.length;
    const c0 = section.charCodeAt(at);
    if (c0 === 32 || c0 === 9) return 'obsolete line folding';
    const colon = section.indexOf(':', at);
    if (colon <= at || colon >= eol) return 'header line without a name';
    const name = section.slice(at, colon);
    if (!TOKEN.test(name)) return 'invalid header name';
    let a = colon + 1;
    let b = eol;
    while (a < b && (section.charCodeAt(a) === 32 || section.charCodeAt(a) === 9)) a++;
    while (b > a && (section.charCodeAt(b - 1) === 32 || section.charCodeAt(b - 1) === 9)) b--;
    const value = section.slice(a, b);
    if (BAD_VALUE.test(value)) return 'invalid character in a header value';
    onField(name.toLowerCase(), value);
    at = eol + 2;
  }
  return undefined;
}

/** Whether a message with this Connection field (RFC 9110 §7.6.1) closes its connection: `close`, or HTTP/1.0 without `keep-alive`. */
export function connectionCloses(connection: string | undefined, http10: boolean): boolean {
  if (connection === undefined) return http10;
  const tokens = connection.toLowerCase().split(',').map((t) => t.trim());
  return tokens.includes('close') || (http10 && !tokens.includes('keep-alive'));
}
