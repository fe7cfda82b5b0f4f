// wssc CLI input/output: FILE or stdin in, bytes out (CONTRACT.md, "The wssc command").
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';

/** Reads FILE, or stdin when FILE is '-' or absent. */
export function readInput(file: string | undefined): Uint8Array {
  try {
    return readFileSync(file === undefined || file === '-' ? 0 : file);
  } catch (err) {
    throw new UsageError('USAGE', `cannot read ${file ?? 'stdin'}: ${(err as Error).message}`);
  }
}

/** Reads a key or seed file. SPEC: keys come from files, never from argv. */
export function readKeyFile(file: string | undefined, option: string): Uint8Array {
  if (file === undefined) throw new UsageError('USAGE', `${option} is required`);
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError('USAGE', `cannot read ${option} ${file}: ${(err as Error).message}`);
  }
}

export function writeOutput(data: Uint8Array | string): void {
  process.stdout.write(data);
}

/** Parses a non-negative integer option value. */
export function parseCount(value: string | undefined, option: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError('USAGE', `${option} is required`);
    return fallback;
  }
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError('USAGE', `${option} expects a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}
