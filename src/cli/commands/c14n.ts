// `wssc c14n`: canonical bytes of a document or of one element (C14N 1.0, Exc-C14N 1.0; CONTRACT.md "The wssc command").
import { parseArgs } from 'node:util';
import { createCanonicalizer } from '../../c14n/canonicalize.js';
import type { ByteSink } from '../../c14n/sink.js';
import { UsageError } from '../../errors.js';
import { readInput } from '../io.js';

export async function c14nCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      inclusive: { type: 'boolean', default: false },
      'with-comments': { type: 'boolean', default: false },
      prefixes: { type: 'string' },
      id: { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 1) throw new UsageError('USAGE', `unexpected argument ${JSON.stringify(positionals[1])}`);
  if (values.inclusive && values.prefixes !== undefined) throw new UsageError('USAGE', '--prefixes applies to exclusive c14n only');
  const input = readInput(positionals[0]);
  // The writer reuses its buffer, so each chunk is copied before stdout (possibly asynchronous) takes it.
  const chunks: Uint8Array[] = [];
  const sink: ByteSink = { write: (chunk) => void chunks.push(chunk.slice()), end: () => {} };
  const c = createCanonicalizer(sink, {
    method: values.inclusive ? 'inclusive' : 'exclusive',
    withComments: values['with-comments'],
    ...(values.prefixes === undefined ? {} : { prefixList: values.prefixes }),
    ...(values.id === undefined ? {} : { id: values.id }),
  });
  c.write(input);
  c.end();
  // Output only once the whole input was accepted: a refused document writes nothing to stdout.
  for (const chunk of chunks) await write(chunk);
  return 0;
}

function write(chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(chunk, (err) => (err ? reject(err) : resolve())));
}
