// `wssc unprotect`: a secure-session message opened with a known SCT secret: decrypted, verified, printed (CONTRACT.md).
import { parseArgs } from 'node:util';
import { UsageError } from '../../errors.js';
import { unprotectMessage } from '../../wssc/unprotect.js';
import { WSSC_FEB2005 } from '../../wssc/versions.js';
import { readInput, readKeyFile, writeOutput } from '../io.js';

export function unprotectCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: { 'sct-key-file': { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 1) throw new UsageError('USAGE', `unexpected argument ${JSON.stringify(positionals[1])}`);
  const key = readKeyFile(values['sct-key-file'], '--sct-key-file');
  if (key.length === 0) throw new UsageError('USAGE', '--sct-key-file is empty');
  const input = readInput(positionals[0]);
  // The secret is given: whatever context the message names is the one it opens (no timestamp or replay checks).
  const opened = unprotectMessage(input, {
    resolveToken: (ref) => ({
      version: ref.sct?.version ?? WSSC_FEB2005,
      identifier: ref.identifier ?? '',
      ...(ref.instance === undefined ? {} : { instance: ref.instance }),
      key,
    }),
  });
  writeOutput(opened.envelope);
  return 0;
}
