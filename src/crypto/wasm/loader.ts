// Loading the WebAssembly core: synchronous in Node, asynchronous elsewhere, or from a precompiled Module.
import { CryptoError } from '../../errors.js';
import { CORE_WASM_BASE64 } from './core-binary.js';
import { type Core, isCoreReady, setCore, core } from './core.js';

const IMPORTS = {
  env: {
    abort(): never {
      throw new CryptoError('CORE_ABORT', 'the wasm crypto core aborted');
    },
  },
};

function embeddedBytes(): Uint8Array {
  const text = atob(CORE_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Instantiates the embedded core synchronously (Node, workers). Idempotent. */
export function initSync(): void {
  if (isCoreReady()) return;
  setCore(new WebAssembly.Instance(new WebAssembly.Module(embeddedBytes() as BufferSource), IMPORTS));
}

type Source = WebAssembly.Module | BufferSource | Response | Promise<Response>;

/**
 * Instantiates the core asynchronously: from the embedded bytes by default, or from a precompiled
 * `WebAssembly.Module` (runtimes that forbid compiling from bytes), bytes, or a fetch Response.
 */
export async function init(source?: Source): Promise<void> {
  if (isCoreReady()) return;
  let instance: WebAssembly.Instance;
  if (source instanceof WebAssembly.Module) {
    instance = await WebAssembly.instantiate(source, IMPORTS);
  } else if (source === undefined || ArrayBuffer.isView(source) || source instanceof ArrayBuffer) {
    const bytes = source ?? embeddedBytes();
    instance = (await WebAssembly.instantiate(bytes as BufferSource, IMPORTS)).instance;
  } else {
    const response = await source;
    if (!response.ok) throw new CryptoError('CORE_LOAD', `cannot load the wasm core: HTTP ${response.status}`);
    instance = (await WebAssembly.instantiate(await response.arrayBuffer(), IMPORTS)).instance;
  }
  if (!isCoreReady()) setCore(instance);
}

export function loadedCore(): Core {
  return core();
}
