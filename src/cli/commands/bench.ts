// `wssc bench`: the benchmark suite (bench/run.ts), which needs the project's dev dependencies (tinybench and the peers).
import { UsageError } from '../../errors.js';

export async function benchCommand(args: string[]): Promise<number> {
  let runner: { runBench(args: string[]): Promise<number> };
  try {
    // The bench and its peers (tinybench, hash-wasm, xml-crypto…) ship with a checkout, not with the library.
    runner = (await import(new URL('../../../bench/run.js', import.meta.url).href)) as typeof runner;
  } catch (err) {
    throw new UsageError('USAGE', `wssc bench runs from a checkout after \`npm ci\` (${(err as Error).message})`);
  }
  return runner.runBench(args);
}
