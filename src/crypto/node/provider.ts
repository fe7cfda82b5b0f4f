// CryptoProvider over node:crypto (OpenSSL: SHA-NI and AES-NI where the CPU has them).
import { CryptoError } from '../../errors.js';
import { type Backend, composeProvider } from '../compose.js';
import type { CryptoProvider, HashAlg, Hasher, HmacKey } from '../provider.js';

type NodeCrypto = typeof import('node:crypto');

function loadNodeCrypto(): NodeCrypto {
  // SPEC (issue 8): no static import of node: modules, so the browser build never reaches for one.
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
  if (mod === undefined) throw new CryptoError('NO_NODE_CRYPTO', 'node:crypto is not available in this runtime');
  return mod;
}

function view(buf: Uint8Array): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function createBackend(nodeCrypto: NodeCrypto): Backend {
  const { createHash, createHmac, createCipheriv, createDecipheriv } = nodeCrypto;
  const oneShot = (nodeCrypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Uint8Array }).hash;
  const wrap = (h: { update(d: Uint8Array): unknown; digest(): Uint8Array }): Hasher => {
    const hasher: Hasher = {
      update(data) {
        h.update(data);
        return hasher;
      },
      digest: () => view(h.digest()),
    };
    return hasher;
  };
  return {
    name: 'node',
    digest: oneShot !== undefined
      ? (alg, data) => view(oneShot(alg, data, 'buffer'))
      : (alg, data) => view(createHash(alg).update(data).digest()),
    createHash: (alg) => wrap(createHash(alg)),
    hmacKey(alg: HashAlg, key: Uint8Array): HmacKey {
      // SECURITY: our copy of the key is wiped on destroy(); OpenSSL cleanses its own per-call copy.
      const copy = Buffer.from(key);
      return {
        mac: (data) => view(createHmac(alg, copy).update(data).digest()),
        create: () => wrap(createHmac(alg, copy)),
        destroy: () => copy.fill(0),
      };
    },
    cbcEncrypt(key, iv, plaintext) {
      const c = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv);
      const head = c.update(plaintext);
      const tail = c.final();
      const out = new Uint8Array(head.length + tail.length);
      out.set(head);
      out.set(tail, head.length);
      return out;
    },
    cbcDecryptRaw(key, iv, ciphertext) {
      const d = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv).setAutoPadding(false);
      return view(d.update(ciphertext));
    },
  };
}

let backend: Backend | undefined;
let provider: CryptoProvider | undefined;

/** The node:crypto backend; throws CryptoError NO_NODE_CRYPTO where node:crypto is absent. */
export function nodeBackend(): Backend {
  backend ??= createBackend(loadNodeCrypto());
  return backend;
}

/** The node:crypto provider; throws CryptoError NO_NODE_CRYPTO where node:crypto is absent. */
export function nodeProvider(): CryptoProvider {
  provider ??= composeProvider(nodeBackend());
  return provider;
}
