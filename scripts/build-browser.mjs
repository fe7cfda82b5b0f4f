// Bundles wssc for browsers and edge runtimes with esbuild (Web APIs only: a `node:` import fails the build),
// plus the browser test page; prints the sizes the README states.
import { build } from 'esbuild';
import { statSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The session client's default transport is node:net's HTTP/1.1 client where node:net exists and fetch elsewhere; in
// a browser it is always fetch, so the bundle takes browser-transport.js in its place (same behaviour, 12 KiB less).
const browserTransport = {
  name: 'browser-transport',
  setup(b) {
    b.onResolve({ filter: /\/node-transport\.js$/ }, (args) => (args.importer.endsWith(join('wssc', 'session-client.js'))
      ? { path: join(root, 'build/src/http/browser-transport.js') }
      : undefined));
  },
};
const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'error', legalComments: 'none', plugins: [browserTransport] };
await build({ ...common, entryPoints: [join(root, 'build/src/index.js')], outfile: join(root, 'build/browser/wssc.js'), minify: true });
await build({ ...common, entryPoints: [join(root, 'build/test/browser/page.js')], outfile: join(root, 'build/browser/test-page.js') });

const bundle = join(root, 'build/browser/wssc.js');
const wasm = join(root, 'build/core.wasm');
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
process.stderr.write(
  `browser bundle: ${kib(statSync(bundle).size)} minified, ${kib(gzipSync(readFileSync(bundle)).length)} gzipped; ` +
    `wasm core: ${kib(statSync(wasm).size)} (${kib(gzipSync(readFileSync(wasm)).length)} gzipped)\n`,
);
