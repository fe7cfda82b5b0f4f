// `wssc protect`: a SOAP envelope protected as a secure-session message with a known SCT secret (protocol.md §5.1; CONTRACT.md).
import { parseArgs } from 'node:util';
import { UsageError } from '../../errors.js';
import { protectMessage } from '../../wssc/protect.js';
import { newUuidUrn } from '../../wssc/session-key.js';
import { SUITE_NAMES, type SuiteName } from '../../wssc/suites.js';
import { WSSC_13, WSSC_FEB2005 } from '../../wssc/versions.js';
import { readInput, readKeyFile, writeOutput } from '../io.js';

export function protectCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'sct-key-file': { type: 'string' },
      'sct-id': { type: 'string' },
      suite: { type: 'string' },
      trust13: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 1) throw new UsageError('USAGE', `unexpected argument ${JSON.stringify(positionals[1])}`);
  const suite = values.suite ?? 'basic256';
  if (!(SUITE_NAMES as readonly string[]).includes(suite)) throw new UsageError('USAGE', `--suite expects ${SUITE_NAMES.join(', ')}, got ${JSON.stringify(suite)}`);
  const identifier = values['sct-id'] ?? newUuidUrn();
  if (identifier.trim() === '') throw new UsageError('USAGE', '--sct-id expects a URI');
  const key = readKeyFile(values['sct-key-file'], '--sct-key-file');
  if (key.length === 0) throw new UsageError('USAGE', '--sct-key-file is empty');
  const input = readInput(positionals[0]);
  writeOutput(protectMessage(input, {
    token: { version: values.trust13 ? WSSC_13 : WSSC_FEB2005, identifier, key },
    suite: suite as SuiteName,
  }));
  return 0;
}
