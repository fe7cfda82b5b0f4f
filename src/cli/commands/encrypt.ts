// `wssc encrypt`: an element or its content replaced by xenc:EncryptedData (XML Encryption 1.0 §4.1; CONTRACT.md).
import { parseArgs } from 'node:util';
import { UsageError } from '../../errors.js';
import type { XmlElement } from '../../xml/events.js';
import { AES_CBC, type AesCbcAlgorithm } from '../../xenc/algorithms.js';
import { encryptXml, type EncryptTarget } from '../../xenc/encrypt.js';
import { readInput, readKeyFile, writeOutput } from '../io.js';

/** SOAP 1.1 and SOAP 1.2 envelope namespaces (SOAP 1.1 §4, SOAP 1.2 Part 1 §5). */
const SOAP_NAMESPACES = ['http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope'];

/** The SOAP Body: a Body child of the Envelope document element, in the Envelope's namespace. */
export function isSoapBody(el: XmlElement, parent: XmlElement | null): boolean {
  return (
    el.local === 'Body' && el.depth === 2 && parent !== null && parent.local === 'Envelope' && parent.uri === el.uri && SOAP_NAMESPACES.includes(el.uri)
  );
}

export function encryptCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'key-file': { type: 'string' },
      alg: { type: 'string' },
      id: { type: 'string' },
      body: { type: 'boolean', default: false },
      content: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 1) throw new UsageError('USAGE', `unexpected argument ${JSON.stringify(positionals[1])}`);
  if ((values.id === undefined) === !values.body) throw new UsageError('USAGE', 'give exactly one of --id ID and --body');
  if (values.id === '') throw new UsageError('USAGE', '--id needs a value');
  const key = readKeyFile(values['key-file'], '--key-file');
  let algorithm: AesCbcAlgorithm;
  if (values.alg === undefined) {
    const byLength = (Object.keys(AES_CBC) as AesCbcAlgorithm[]).find((a) => AES_CBC[a].keyLength === key.length);
    if (byLength === undefined) throw new UsageError('USAGE', `the key file holds ${key.length} bytes; an AES key is 16, 24 or 32 bytes`);
    algorithm = byLength;
  } else {
    if (!Object.hasOwn(AES_CBC, values.alg)) throw new UsageError('USAGE', `--alg expects aes128-cbc, aes192-cbc or aes256-cbc, got ${JSON.stringify(values.alg)}`);
    algorithm = values.alg as AesCbcAlgorithm;
    if (key.length !== AES_CBC[algorithm].keyLength) {
      throw new UsageError('USAGE', `${algorithm} needs a ${AES_CBC[algorithm].keyLength}-byte key; the key file holds ${key.length} bytes`);
    }
  }
  const target: EncryptTarget = values.id !== undefined ? { id: values.id } : { select: isSoapBody };
  const output = encryptXml(readInput(positionals[0]), { key, algorithm, target, content: values.content });
  writeOutput(output);
  return 0;
}
