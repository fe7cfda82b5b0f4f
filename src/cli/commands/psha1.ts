// `wssc psha1`: P_hash output (RFC 2246 §5; WS-SecureConversation P_SHA1 key derivation) as base64.
import { parseArgs } from 'node:util';
import { auto } from '../../crypto/index.js';
import { assertHashAlg } from '../../crypto/checks.js';
import { UsageError } from '../../errors.js';
import { parseCount, readKeyFile, writeOutput } from '../io.js';

export function psha1Command(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'secret-file': { type: 'string' },
      'seed-file': { type: 'string' },
      length: { type: 'string' },
      offset: { type: 'string' },
      alg: { type: 'string', default: 'sha1' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError('USAGE', `unexpected argument ${JSON.stringify(positionals[0])}`);
  const alg = values.alg;
  try {
    assertHashAlg(alg);
  } catch {
    throw new UsageError('USAGE', `--alg expects sha1 or sha256, got ${JSON.stringify(alg)}`);
  }
  const length = parseCount(values.length, '--length');
  const offset = parseCount(values.offset, '--offset', 0);
  const secret = readKeyFile(values['secret-file'], '--secret-file');
  const seed = readKeyFile(values['seed-file'], '--seed-file');
  const out = auto.pHash(alg, secret, seed, length, offset);
  writeOutput(`${Buffer.from(out).toString('base64')}\n`);
  secret.fill(0);
  out.fill(0);
  return 0;
}
