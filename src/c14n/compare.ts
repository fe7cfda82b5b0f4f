// Code-point string order for c14n sorting (C14N 1.0 §2.2 "lexicographic … by UCS codepoint values"; xml-security.md §5.5).

/**
 * Compares by Unicode code point. JS `<` compares UTF-16 code units, which disagrees only when a surrogate
 * (astral character) meets U+E000–U+FFFF; those units are remapped so that surrogates sort above the BMP.
 * SPEC: never localeCompare (xml-crypto's namespace sort bug, xml-security.md §1.1).
 */
export function compareCodePoints(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}
