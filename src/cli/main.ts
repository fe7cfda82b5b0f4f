// The `wssc` command: dispatch, --help/--version and the exit codes of CONTRACT.md.
import { readFileSync } from 'node:fs';
import { DecryptionError, UsageError, WsscError, XmlError, C14nError, SignatureError } from '../errors.js';
import { benchCommand } from './commands/bench.js';
import { c14nCommand } from './commands/c14n.js';
import { callCommand } from './commands/call.js';
import { decryptCommand } from './commands/decrypt.js';
import { digestCommand } from './commands/digest.js';
import { encryptCommand } from './commands/encrypt.js';
import { protectCommand } from './commands/protect.js';
import { psha1Command } from './commands/psha1.js';
import { serveCommand } from './commands/serve.js';
import { signCommand } from './commands/sign.js';
import { unprotectCommand } from './commands/unprotect.js';
import { verifyCommand } from './commands/verify.js';

export type Command = (args: string[]) => Promise<number> | number;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  bench: {
    run: benchCommand,
    usage: 'wssc bench [--quick] [--json] [--out DIR] [--only SUITE,…]',
  },
  c14n: {
    run: c14nCommand,
    usage: 'wssc c14n [--inclusive] [--with-comments] [--prefixes "p q #default"] [--id ID] [FILE]',
  },
  digest: {
    run: digestCommand,
    usage: 'wssc digest [--alg sha1|sha256] [--prefixes "p q #default"] --id ID [FILE]',
  },
  psha1: {
    run: psha1Command,
    usage: 'wssc psha1 --secret-file F --seed-file F --length N [--offset N] [--alg sha1|sha256]',
  },
  encrypt: {
    run: encryptCommand,
    usage: 'wssc encrypt --key-file K [--alg aes128-cbc|aes192-cbc|aes256-cbc] (--id ID | --body) [--content] [FILE]',
  },
  decrypt: {
    run: decryptCommand,
    usage: 'wssc decrypt --key-file K [FILE]',
  },
  sign: {
    run: signCommand,
    usage: 'wssc sign (--key-file K [--alg hmac-sha1|hmac-sha256] | --private-key-file PEM --cert-file PEM [--alg rsa-sha1|rsa-sha256]) [--digest sha1|sha256] [--ref ID]... [FILE]',
  },
  verify: {
    run: verifyCommand,
    usage: 'wssc verify (--key-file K | --cert-file PEM) [FILE]',
  },
  protect: {
    run: protectCommand,
    usage: 'wssc protect --sct-key-file K [--sct-id URI] [--suite basic256|basic128|basic256sha256|basic128sha256] [--trust13] [FILE]',
  },
  unprotect: {
    run: unprotectCommand,
    usage: 'wssc unprotect --sct-key-file K [FILE]',
  },
  serve: {
    run: serveCommand,
    usage: 'wssc serve [--port N] [--host H] --cert-file PEM --private-key-file PEM [--client-ca-file PEM] [--trust13] [--cookie-key-file F] [--store redis://HOST:PORT[/DB] --store-key-file F [--store-prefix P] [--store-timeout MS]]',
  },
  call: {
    run: callCommand,
    usage: 'wssc call URL[,URL…] [--cert-file PEM --private-key-file PEM] --service-cert-file PEM [--action URI] [--trust13] [--count N] [--dump DIR] [--no-cancel] [BODY-FILE]',
  },
};

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INPUT = 65;

function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage}`);
  return `usage: wssc <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n` +
    'Data goes to stdout, diagnostics to stderr. Exit codes: 0 ok, 1 check failed, 2 usage, 65 input not acceptable.\n';
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Maps an error to CONTRACT.md's exit codes. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError) return EXIT_USAGE;
  if (err instanceof DecryptionError) return EXIT_CHECK_FAILED;
  if (err instanceof XmlError || err instanceof C14nError) return EXIT_INPUT;
  if (err instanceof WsscError && err.code.endsWith('_MISMATCH')) return EXIT_CHECK_FAILED;
  // A signed reference that resolves to nothing (its element removed, or its Id changed) is a failed check too.
  if (err instanceof SignatureError && err.code === 'REFERENCE_UNRESOLVED') return EXIT_CHECK_FAILED;
  if (err instanceof WsscError) return EXIT_INPUT;
  // node:util parseArgs throws ERR_PARSE_ARGS_* for unknown options and missing values.
  if ((err as { code?: unknown })?.code?.toString().startsWith('ERR_PARSE_ARGS')) return EXIT_USAGE;
  return EXIT_INPUT;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(usage());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`wssc: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`usage: ${command.usage}\n`);
    return EXIT_OK;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    const code = exitCodeOf(err);
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`wssc ${name}: ${message}\n`);
    if (code === EXIT_USAGE) process.stderr.write(`usage: ${command.usage}\n`);
    return code;
  }
}
