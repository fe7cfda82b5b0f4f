// `wssc sign`: a SOAP envelope signed in its wsse:Security header (WSS 1.1 SOAP Message Security §8; CONTRACT.md).
import { parseArgs } from 'node:util';
import type { SignatureAlgorithm } from '../../dsig/algorithms.js';
import { SignatureError, UsageError } from '../../errors.js';
import { signEnvelope, type EnvelopeSigningKey } from '../../wss/signature.js';
import { readInput, readKeyFile, writeOutput } from '../io.js';

const HMAC = ['hmac-sha1', 'hmac-sha256'];
const RSA = ['rsa-sha1', 'rsa-sha256'];

export function signCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'key-file': { type: 'string' },
      'private-key-file': { type: 'string' },
      'cert-file': { type: 'string' },
      alg: { type: 'string' },
      digest: { type: 'string' },
      ref: { type: 'string', multiple: true },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 1) throw new UsageError('USAGE', `unexpected argument ${JSON.stringify(positionals[1])}`);
  const symmetric = values['key-file'] !== undefined;
  const asymmetric = values['private-key-file'] !== undefined || values['cert-file'] !== undefined;
  if (symmetric === asymmetric) throw new UsageError('USAGE', 'give either --key-file, or --private-key-file with --cert-file');
  const allowed = symmetric ? HMAC : RSA;
  const alg = values.alg ?? allowed[symmetric ? 0 : 1]!;
  if (!allowed.includes(alg)) throw new UsageError('USAGE', `--alg expects ${allowed.join(' or ')} with ${symmetric ? '--key-file' : '--private-key-file'}, got ${JSON.stringify(alg)}`);
  if (values.digest !== undefined && values.digest !== 'sha1' && values.digest !== 'sha256') {
    throw new UsageError('USAGE', `--digest expects sha1 or sha256, got ${JSON.stringify(values.digest)}`);
  }
  const refs = values.ref;
  if (refs !== undefined && refs.some((r) => r === '')) throw new UsageError('USAGE', '--ref expects an Id');
  let key: EnvelopeSigningKey;
  if (symmetric) {
    const secret = readKeyFile(values['key-file'], '--key-file');
    if (secret.length === 0) throw new UsageError('USAGE', '--key-file is empty');
    key = { kind: 'hmac', secret };
  } else {
    const privateKey = readKeyFile(values['private-key-file'], '--private-key-file');
    const certificate = readKeyFile(values['cert-file'], '--cert-file');
    key = { kind: 'x509', privateKey, certificate };
  }
  const input = readInput(positionals[0]);
  try {
    const signed = signEnvelope(input, {
      key,
      algorithm: alg as SignatureAlgorithm,
      ...(values.digest === undefined ? {} : { digest: values.digest as 'sha1' | 'sha256' }),
      ...(refs === undefined ? {} : { references: refs }),
    });
    writeOutput(signed.bytes);
  } catch (err) {
    // An --ref naming nothing is the caller's mistake, not a failed check.
    if (err instanceof SignatureError && (err.code === 'REFERENCE_UNRESOLVED' || err.code === 'REFERENCE_URI') && refs !== undefined) {
      throw new UsageError('USAGE', `--ref: ${err.message}`, { cause: err });
    }
    throw err;
  }
  return 0;
}
