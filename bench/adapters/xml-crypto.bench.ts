// xml-crypto with and without wssc's algorithms, through xml-crypto's own API (string in, base64 out), and the
// same digest on bytes natively: what the plug-in buys, and what its string interface costs.
import { SignedXml } from 'xml-crypto';
import { useWsscAlgorithms } from '../../src/adapters/index.js';
import { auto, initSync } from '../../src/crypto/index.js';
import { soapMessage } from '../c14n/soap-message.js';
import { compare, formatSize, type BenchOptions, type Row } from '../harness.js';

const EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
const HMAC_SHA1 = 'http://www.w3.org/2000/09/xmldsig#hmac-sha1';
const KEY = Buffer.from('0123456789abcdef01234567');

function signWith(xml: string, setup: (sig: SignedXml) => void): string {
  const sig = new SignedXml({ privateKey: KEY, signatureAlgorithm: HMAC_SHA1, canonicalizationAlgorithm: EXC });
  setup(sig);
  sig.addReference({ xpath: "//*[local-name(.)='Body']", transforms: [EXC], digestAlgorithm: SHA1 });
  sig.computeSignature(xml);
  return sig.getSignedXml();
}

export async function xmlCryptoAdapterBenches(opts: BenchOptions, sizes: readonly number[] = opts.quick ? [2048] : [2048, 65536]): Promise<Row[]> {
  initSync();
  const rows: Row[] = [];
  const plugin = new SignedXml();
  useWsscAlgorithms(plugin);
  const Theirs = new SignedXml().HashAlgorithms[SHA1]!;
  const Ours = plugin.HashAlgorithms[SHA1]!;
  for (const size of sizes) {
    const xml = new TextDecoder().decode(soapMessage(size));
    const bytes = new TextEncoder().encode(xml);
    rows.push(...await compare({
      suite: 'xml-crypto', operation: 'getHash-sha1', size: formatSize(size), bytes: bytes.length,
      impls: {
        'xml-crypto': () => new Theirs().getHash(xml),
        'wssc-plugin': () => new Ours().getHash(xml),
        // Not through xml-crypto: the digest of the same bytes with no string↔bytes or base64 step.
        'wssc-bytes': () => Buffer.from(auto.digest('sha1', bytes)).toString('base64'),
      },
    }, opts));
    rows.push(...await compare({
      suite: 'xml-crypto', operation: 'sign-hmac-sha1', size: formatSize(size), bytes: bytes.length,
      impls: {
        'xml-crypto': () => signWith(xml, (s) => s.enableHMAC()),
        'wssc-plugin': () => signWith(xml, (s) => useWsscAlgorithms(s, { hmac: true })),
      },
    }, opts));
  }
  return rows;
}
