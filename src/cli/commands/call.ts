// `wssc call`: a secure session with a service, N echo requests, cancel (CONTRACT.md; WS-SecureConversation 1.3 §3-§8).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SessionError, UsageError } from '../../errors.js';
import { SecureSessionClient } from '../../wssc/session-client.js';
import { parseCount, readInput, readKeyFile } from '../io.js';

export const DEFAULT_CALL_ACTION = 'http://tempuri.org/IEchoService/Echo';

export async function callCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'cert-file': { type: 'string' },
      'private-key-file': { type: 'string' },
      'service-cert-file': { type: 'string' },
      action: { type: 'string', default: DEFAULT_CALL_ACTION },
      trust13: { type: 'boolean', default: false },
      count: { type: 'string' },
      dump: { type: 'string' },
      'no-cancel': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new UsageError('USAGE', 'the service URL is required');
  if (positionals.length > 2) throw new UsageError('USAGE', `unexpected argument ${JSON.stringify(positionals[2])}`);
  const urls = positionals[0]!.split(',').map((u) => u.trim()).filter((u) => u !== '');
  for (const u of urls) if (!/^https?:\/\//.test(u)) throw new UsageError('USAGE', `not an http(s) URL: ${JSON.stringify(u)}`);
  if (urls.length === 0) throw new UsageError('USAGE', 'the service URL is required');
  const count = parseCount(values.count, '--count', 1);
  const serviceCertificate = new TextDecoder().decode(readKeyFile(values['service-cert-file'], '--service-cert-file'));
  // Without a client certificate the session is bootstrapped AnonymousForCertificate (an extension of the contract's form).
  const hasClient = values['cert-file'] !== undefined || values['private-key-file'] !== undefined;
  const client = hasClient
    ? {
      certificate: new TextDecoder().decode(readKeyFile(values['cert-file'], '--cert-file')),
      privateKey: new TextDecoder().decode(readKeyFile(values['private-key-file'], '--private-key-file')),
    }
    : undefined;
  const body = readInput(positionals[1]);
  let dumped = 0;
  const dumpDir = values.dump;
  if (dumpDir !== undefined) mkdirSync(dumpDir, { recursive: true });
  let session: SecureSessionClient;
  try {
    session = await SecureSessionClient.establish({
      url: urls,
      version: values.trust13 ? '1.3' : 'feb2005',
      bootstrap: client === undefined ? { mode: 'anonymous-for-certificate', serviceCertificate } : { mode: 'mutual-certificate', client, serviceCertificate },
      // Every request the session sends (issue, calls, renewals, cancel), numbered from 1.
      ...(dumpDir === undefined ? {} : { onRequest: (bytes: Uint8Array) => writeFileSync(join(dumpDir, `${++dumped}.xml`), bytes) }),
    });
  } catch (err) {
    return failed(err);
  }
  try {
    for (let i = 0; i < count; i++) {
      const reply = await session.call(values.action, body);
      process.stdout.write(reply);
      if (reply[reply.length - 1] !== 0x0a) process.stdout.write('\n');
    }
    if (values['no-cancel']) session.destroy();
    else await session.cancel();
  } catch (err) {
    session.destroy();
    return failed(err);
  }
  return 0;
}

/** Session failures (faults, transport errors) are failed checks: exit 1 with the reason on stderr. */
function failed(err: unknown): number {
  if (!(err instanceof SessionError)) throw err;
  process.stderr.write(`wssc call: ${err.code}: ${err.message}\n`);
  return 1;
}
