// `wssc verify`: checks the XML signature of a SOAP envelope (XMLDSig 1.1 §3.2 under WSS 1.1 §8; CONTRACT.md).
import { parseArgs } from 'node:util';
import { UsageError } from '../../errors.js';
import { verifyEnvelope, type EnvelopeVerificationKey } from '../../wss/signature.js';
import { readInput, readKeyFile, writeOutput } from '../io.js';

export function verifyCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'key-file': { type: 'string' },
      'cert-file': { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 1) throw new UsageError('USAGE', `unexpected argument ${JSON.stringify(positionals[1])}`);
  if ((values['key-file'] === undefined) === (values['cert-file'] === undefined)) throw new UsageError('USAGE', 'give exactly one of --key-file and --cert-file');
  // SECURITY (xml-security.md §1.5 item 4): the key kind the caller gives decides which algorithms are acceptable.
  const key: EnvelopeVerificationKey = values['key-file'] !== undefined
    ? { kind: 'hmac', secret: readKeyFile(values['key-file'], '--key-file') }
    : { kind: 'x509', certificate: readKeyFile(values['cert-file'], '--cert-file') };
  if (key.kind === 'hmac' && key.secret.length === 0) throw new UsageError('USAGE', '--key-file is empty');
  const result = verifyEnvelope(readInput(positionals[0]), { key });
  writeOutput(result.ids.map((id) => `${id}\n`).join(''));
  return 0;
}
