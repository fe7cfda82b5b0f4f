// `wssc decrypt`: every EncryptedData the key opens replaced by its plaintext (XML Encryption 1.0 §4.2; CONTRACT.md).
import { parseArgs } from 'node:util';
import { DecryptionError, EncryptionError, UsageError } from '../../errors.js';
import { AES_CBC } from '../../xenc/algorithms.js';
import { decryptXml } from '../../xenc/decrypt.js';
import { readInput, readKeyFile, writeOutput } from '../io.js';

export function decryptCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: { 'key-file': { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 1) throw new UsageError('USAGE', `unexpected argument ${JSON.stringify(positionals[1])}`);
  const key = readKeyFile(values['key-file'], '--key-file');
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new UsageError('USAGE', `the key file holds ${key.length} bytes; an AES key is 16, 24 or 32 bytes`);
  }
  let document: Uint8Array;
  try {
    // An EncryptedData of another key size is not one this key opens: it stays encrypted in the output.
    ({ document } = decryptXml(readInput(positionals[0]), {
      key: (info) => (AES_CBC[info.algorithm].keyLength === key.length ? key : undefined),
      skipUnresolved: true,
    }));
  } catch (err) {
    // The key opens none of them: the decryption check failed (exit 1), like a wrong key of the right size.
    if (err instanceof EncryptionError && err.code === 'KEY_UNRESOLVED') throw new DecryptionError();
    throw err;
  }
  writeOutput(document);
  return 0;
}
