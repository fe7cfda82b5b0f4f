// Per-message cost of WS-SecureConversation session messages (protocol.md §5.1): protect (sign + encrypt) and unprotect (decrypt + verify).
import { protectMessage } from '../../src/wssc/protect.js';
import { unprotectMessage } from '../../src/wssc/unprotect.js';
import type { SessionToken } from '../../src/wssc/session-token.js';
import { WSSC_FEB2005 } from '../../src/wssc/versions.js';
import { soapMessage } from '../c14n/soap-message.js';
import { compare, formatSize, type BenchOptions, type Row } from '../harness.js';

export const MESSAGE_SIZES = [2 * 1024, 64 * 1024];

/** A plain WCF-shaped request (WS-Addressing headers, no Security header yet) of about `bytes`. */
export function plainMessage(bytes: number): Uint8Array {
  const s = new TextDecoder().decode(soapMessage(bytes))
    .replace(/<o:Security [^]*?<\/o:Security>/, '')
    .replace('</a:MessageID>', '</a:MessageID><a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo>');
  return new TextEncoder().encode(s);
}

export const BENCH_SESSION: SessionToken = {
  version: WSSC_FEB2005,
  identifier: 'urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08',
  key: Uint8Array.from({ length: 32 }, (_, i) => (i * 73 + 5) & 0xff),
};

/**
 * `message/protect/<size>/session` and `message/unprotect/<size>/session` (Basic256, sign-then-encrypt-signature).
 * Engineer B adds the `x509` rows (the same message protected per message with RSA + RSA-OAEP) beside these.
 */
export async function messageBenches(opts: BenchOptions, sizes: readonly number[] = MESSAGE_SIZES): Promise<Row[]> {
  const rows: Row[] = [];
  const resolveToken = () => BENCH_SESSION;
  for (const size of sizes) {
    const plain = plainMessage(size);
    const label = formatSize(size);
    // Cross-check before timing: what protect makes, unprotect opens back to the same Body.
    const sample = protectMessage(plain, { token: BENCH_SESSION });
    const opened = unprotectMessage(sample, { resolveToken });
    if (!new TextDecoder().decode(opened.envelope).includes('</order></Submit></s:Body>')) throw new Error('bench message: the round trip lost the Body');
    rows.push(...await compare({
      suite: 'message', operation: 'protect', size: label, bytes: plain.length,
      impls: { session: () => protectMessage(plain, { token: BENCH_SESSION }).length },
    }, opts));
    rows.push(...await compare({
      suite: 'message', operation: 'unprotect', size: label, bytes: sample.length,
      impls: { session: () => unprotectMessage(sample, { resolveToken }).envelope.length },
    }, opts));
  }
  return rows;
}
