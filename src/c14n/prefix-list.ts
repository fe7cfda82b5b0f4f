// The InclusiveNamespaces PrefixList of Exc-C14N 1.0 §3 ("whitespace delimited list", `#default` for the default namespace).
import { C14nError } from '../errors.js';

const NCNAME = /^[\p{L}_][\p{L}\p{N}._\-\u00B7\u0300-\u036F\u203F-\u2040]*$/u;

/**
 * Parses a PrefixList (a string, or tokens already split) into prefixes, `''` standing for `#default`.
 * SPEC: the errata make PrefixList a plain string (NMTOKENS cannot hold `#default`); tokens must be `#default`
 * or NCNames, anything else is a `C14nError` `C14N_PREFIX_LIST`. Duplicates are dropped.
 */
export function parsePrefixList(list: string | readonly string[] | undefined): string[] {
  if (list === undefined) return [];
  const tokens = typeof list === 'string' ? list.split(/[ \t\r\n]+/) : list;
  const out: string[] = [];
  for (const token of tokens) {
    if (token === '') continue;
    const prefix = token === '#default' ? '' : token;
    if (prefix !== '' && !NCNAME.test(prefix)) {
      throw new C14nError('C14N_PREFIX_LIST', `invalid InclusiveNamespaces prefix ${JSON.stringify(token)}`);
    }
    if (!out.includes(prefix)) out.push(prefix);
  }
  return out;
}
