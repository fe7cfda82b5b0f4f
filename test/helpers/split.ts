// Inputs cut into pieces at given offsets, for the split-point tests of every streaming part.

/** `input` cut at the sorted offsets `cuts` (a repeated offset gives an empty piece: streams must accept empty writes). */
export function splitAt<T extends string | Uint8Array>(input: T, cuts: readonly number[]): T[] {
  const out: T[] = [];
  let at = 0;
  for (const c of cuts) {
    out.push(piece(input, at, c));
    at = c;
  }
  out.push(piece(input, at, input.length));
  return out;
}

function piece<T extends string | Uint8Array>(input: T, from: number, to: number): T {
  return (typeof input === 'string' ? input.slice(from, to) : input.subarray(from, to)) as T;
}
