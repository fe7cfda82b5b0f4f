// `wssc digest`: base64 digest of an element's exclusive c14n (XMLDSig 1.1 §4.4.3 `#id` reference; CONTRACT.md).
import { parseArgs } from 'node:util';
import { digestReferences } from '../../c14n/digest-references.js';
import type { HashAlg } from '../../crypto/provider.js';
import { UsageError } from '../../errors.js';
import { readInput, writeOutput } from '../io.js';

export function digestCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: {
      alg: { type: 'string', default: 'sha1' },
      prefixes: { type: 'string' },
      id: { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 1) throw new UsageError('USAGE', `unexpected argument ${JSON.stringify(positionals[1])}`);
  if (values.alg !== 'sha1' && values.alg !== 'sha256') throw new UsageError('USAGE', `--alg expects sha1 or sha256, got ${JSON.stringify(values.alg)}`);
  if (values.id === undefined || values.id === '') throw new UsageError('USAGE', '--id is required');
  const alg: HashAlg = values.alg;
  const [result] = digestReferences(readInput(positionals[0]), [
    { id: values.id, alg, ...(values.prefixes === undefined ? {} : { prefixList: values.prefixes }) },
  ]);
  writeOutput(`${Buffer.from(result!.digest).toString('base64')}\n`);
  return 0;
}
