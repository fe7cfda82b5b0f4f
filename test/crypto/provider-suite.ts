// The one test suite every CryptoProvider passes: FIPS 180-4, RFC 2202/4231, SP 800-38A F.2 and P_SHA1 known
// answers, differential tests against node:crypto, split-point streaming tests and typed-error checks.
import assert from 'node:assert/strict';
import { createCipheriv, createHash, createHmac, randomBytes as nodeRandom } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CryptoError, DecryptionError } from '../../src/errors.js';
import type { CryptoProvider, HashAlg } from '../../src/crypto/provider.js';
import { referencePHash } from '../helpers/p-hash.js';
import { hex, toHex, utf8, vectorPath, b64 } from '../helpers/vectors.js';

const ALGS: HashAlg[] = ['sha1', 'sha256'];
const SEED = Number(process.env.WSSC_TEST_SEED ?? 20261121);

/** Deterministic bytes for reproducible differential inputs. */
function pseudoRandom(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}

const nodeDigest = (alg: HashAlg, d: Uint8Array) => new Uint8Array(createHash(alg).update(d).digest());
const nodeHmac = (alg: HashAlg, k: Uint8Array, d: Uint8Array) => new Uint8Array(createHmac(alg, k).update(d).digest());

const SHA_KATS: Array<[string, Uint8Array, string, string]> = [
  ['empty', utf8(''), 'da39a3ee5e6b4b0d3255bfef95601890afd80709', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['abc (one block)', utf8('abc'), 'a9993e364706816aba3e25717850c26c9cd0d89d', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['448 bits (two blocks)', utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '84983e441c3bd26ebaae4aa1f95129e5e54670f1', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  ['896 bits (multi-block)', utf8('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu'),
    'a49b2446a02c645bf419f995b67091253a04a259', 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1'],
  ['1,000,000 x a', new Uint8Array(1_000_000).fill(0x61),
    '34aa973cd4c4daa4f61eeb2bdbad27316534016f', 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
];

const filled = (n: number, v: number) => new Uint8Array(n).fill(v);
const seq = (n: number) => Uint8Array.from({ length: n }, (_, i) => i + 1);
// RFC 2202 §3 (HMAC-SHA1) and RFC 4231 §4 (HMAC-SHA256); case 5 of RFC 4231 is truncated to 128 bits.
const HMAC_KATS: Array<{ key: Uint8Array; data: Uint8Array; sha1?: string; sha256?: string }> = [
  { key: filled(20, 0x0b), data: utf8('Hi There'), sha1: 'b617318655057264e28bc0b6fb378c8ef146be00',
    sha256: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7' },
  { key: utf8('Jefe'), data: utf8('what do ya want for nothing?'), sha1: 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',
    sha256: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' },
  { key: filled(20, 0xaa), data: filled(50, 0xdd), sha1: '125d7342b9ac11cd91a39af48aa17b4f63f175d3',
    sha256: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe' },
  { key: seq(25), data: filled(50, 0xcd), sha1: '4c9007f4026250c6bc8414f9bf50c86c2d7235da',
    sha256: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b' },
  { key: filled(20, 0x0c), data: utf8('Test With Truncation'), sha1: '4c1a03424b55e07fe7f27be1d58bb9324a9a5a04',
    sha256: 'a3b6167473100ee06e0c796c2955552b' },
  { key: filled(80, 0xaa), data: utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
    sha1: 'aa4ae5e15272d00e95705637ce8a3b55ed402112' },
  { key: filled(80, 0xaa), data: utf8('Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data'),
    sha1: 'e8e99d0f45237d786d6bbaa7965c7808bbff1a91' },
  { key: filled(131, 0xaa), data: utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
    sha256: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54' },
  { key: filled(131, 0xaa), data: utf8('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
    sha256: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2' },
];

// NIST SP 800-38A F.2.1–F.2.6. The last plaintext byte is 0x10, so the vector ciphertext is also a valid
// XML-Enc padded message whose plaintext is the first three blocks.
const CBC_IV = hex('000102030405060708090a0b0c0d0e0f');
const CBC_PT = hex(`6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
  30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710`);
const CBC_KATS: Array<[string, Uint8Array, Uint8Array]> = [
  ['AES-128', hex('2b7e151628aed2a6abf7158809cf4f3c'), hex(`7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2
    73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7`)],
  ['AES-192', hex('8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b'), hex(`4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a
    571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd`)],
  ['AES-256', hex('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4'), hex(`f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d
    39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b`)],
];

interface PHashVector { name: string; hash: HashAlg; secret: string; seed: string; length: number; offset: number; output: string }

function nodeCbcEncrypt(key: Uint8Array, iv: Uint8Array, pt: Uint8Array): Uint8Array {
  const c = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv);
  return new Uint8Array(Buffer.concat([c.update(pt), c.final()]));
}

function assertCode(fn: () => unknown, type: new (...a: never[]) => Error, code: string): void {
  assert.throws(fn, (err: unknown) => err instanceof type && (err as { code?: string }).code === code);
}

/** Registers the shared suite for `provider` (already initialized). */
export function providerSuite(provider: CryptoProvider): void {
  describe(`provider ${provider.name}: known answers`, () => {
    for (const [name, data, sha1, sha256] of SHA_KATS) {
      it(`FIPS 180-4 SHA-1 and SHA-256: ${name}`, () => {
        assert.equal(toHex(provider.digest('sha1', data)), sha1);
        assert.equal(toHex(provider.digest('sha256', data)), sha256);
        assert.equal(toHex(provider.createHash('sha1').update(data).digest()), sha1);
        assert.equal(toHex(provider.createHash('sha256').update(data).digest()), sha256);
      });
    }
    it('RFC 2202 / RFC 4231 HMAC, one-shot, pre-keyed and streaming', () => {
      for (const v of HMAC_KATS) {
        for (const alg of ALGS) {
          const expected = v[alg];
          if (expected === undefined) continue;
          const cut = (mac: Uint8Array) => toHex(mac).slice(0, expected.length);
          assert.equal(cut(provider.hmac(alg, v.key, v.data)), expected);
          const key = provider.hmacKey(alg, v.key);
          assert.equal(cut(key.mac(v.data)), expected);
          assert.equal(cut(key.mac(v.data)), expected, 'a pre-keyed key is reusable');
          assert.equal(cut(key.create().update(v.data.subarray(0, 7)).update(v.data.subarray(7)).digest()), expected);
          key.destroy();
        }
      }
    });
    for (const [name, key, ct] of CBC_KATS) {
      it(`SP 800-38A F.2 CBC-${name} encrypt and decrypt`, () => {
        const out = provider.aesCbcEncrypt(key, CBC_IV, CBC_PT);
        assert.equal(out.length, 80, 'a whole pad block follows a block-aligned plaintext');
        assert.equal(toHex(out.subarray(0, 64)), toHex(ct));
        assert.equal(toHex(provider.aesCbcDecrypt(key, CBC_IV, ct)), toHex(CBC_PT.subarray(0, 48)));
        assert.equal(toHex(provider.aesCbcDecrypt(key, CBC_IV, out)), toHex(CBC_PT));
      });
    }
    it('every P_hash vector of ../shared/vectors/psha1.json', () => {
      const { vectors } = JSON.parse(readFileSync(vectorPath('psha1.json'), 'utf8')) as { vectors: PHashVector[] };
      assert.ok(vectors.length >= 10);
      for (const v of vectors) {
        const out = provider.pHash(v.hash, b64(v.secret), b64(v.seed), v.length, v.offset);
        assert.equal(Buffer.from(out).toString('base64'), v.output, v.name);
      }
    });
  });

  describe(`provider ${provider.name}: differential against node:crypto`, () => {
    it('hashes and HMACs of every length 0..192 (three blocks), keys of 0..130 bytes', () => {
      for (const alg of ALGS) {
        for (let n = 0; n <= 192; n++) {
          const data = pseudoRandom(n, n + 1);
          assert.equal(toHex(provider.digest(alg, data)), toHex(nodeDigest(alg, data)), `${alg} len ${n}`);
          const key = pseudoRandom((n * 7) % 131, n + 99);
          assert.equal(toHex(provider.hmac(alg, key, data)), toHex(nodeHmac(alg, key, data)), `hmac ${alg} len ${n}`);
        }
      }
    });
    it('random inputs up to 1 MiB (hash, HMAC, AES-CBC both ways)', () => {
      fc.assert(fc.property(
        fc.integer({ min: 0, max: 1 << 20 }), fc.integer({ min: 0, max: 200 }), fc.constantFrom(16, 24, 32), fc.integer(),
        (len, keyLen, aesLen, seed) => {
          const data = pseudoRandom(len, seed);
          const key = pseudoRandom(keyLen, seed + 1);
          for (const alg of ALGS) {
            assert.equal(toHex(provider.digest(alg, data)), toHex(nodeDigest(alg, data)));
            assert.equal(toHex(provider.hmacKey(alg, key).mac(data)), toHex(nodeHmac(alg, key, data)));
          }
          const aesKey = pseudoRandom(aesLen, seed + 2);
          const iv = pseudoRandom(16, seed + 3);
          const ct = provider.aesCbcEncrypt(aesKey, iv, data);
          assert.equal(toHex(ct), toHex(nodeCbcEncrypt(aesKey, iv, data)));
          assert.equal(toHex(provider.aesCbcDecrypt(aesKey, iv, ct)), toHex(data));
        },
      ), { numRuns: 12, seed: SEED });
    });
    it('AES-CBC of every length 0..48 with all key sizes', () => {
      for (const keyLen of [16, 24, 32]) {
        for (let n = 0; n <= 48; n++) {
          const key = new Uint8Array(nodeRandom(keyLen));
          const iv = new Uint8Array(nodeRandom(16));
          const pt = new Uint8Array(nodeRandom(n));
          const ct = provider.aesCbcEncrypt(key, iv, pt);
          assert.equal(toHex(ct), toHex(nodeCbcEncrypt(key, iv, pt)));
          assert.equal(toHex(provider.aesCbcDecrypt(key, iv, ct)), toHex(pt));
        }
      }
    });
    it('P_SHA1 / P_SHA256 at random offsets and lengths against a reference over node:crypto HMAC', () => {
      fc.assert(fc.property(
        fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 120 }), fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 200 }), fc.constantFrom<HashAlg>('sha1', 'sha256'),
        (secret, seed, length, offset, alg) => {
          assert.equal(toHex(provider.pHash(alg, secret, seed, length, offset)), toHex(referencePHash(alg, secret, seed, length, offset)));
        },
      ), { numRuns: 300, seed: SEED });
    });
    it('P_hash with inputs and outputs larger than the wasm I/O buffer (64 KiB)', () => {
      const secret = pseudoRandom(40_000, 3);
      const seed = pseudoRandom(1_000, 4);
      assert.equal(toHex(provider.pHash('sha1', secret, seed, 48, 7)), toHex(referencePHash('sha1', secret, seed, 48, 7)));
      const small = pseudoRandom(32, 5);
      const long = provider.pHash('sha256', small, seed, 150_000, 3);
      assert.equal(toHex(long), toHex(referencePHash('sha256', small, seed, 150_000, 3)));
    });
  });

  describe(`provider ${provider.name}: streaming equals one-shot`, () => {
    it('at every split point across the first three blocks', () => {
      const data = pseudoRandom(200, 7);
      for (const alg of ALGS) {
        const whole = toHex(nodeDigest(alg, data));
        const key = provider.hmacKey(alg, utf8('split-key'));
        const wholeMac = toHex(nodeHmac(alg, utf8('split-key'), data));
        for (let i = 0; i <= 192; i++) {
          const h = provider.createHash(alg).update(data.subarray(0, i)).update(data.subarray(i)).digest();
          assert.equal(toHex(h), whole, `${alg} split at ${i}`);
          const m = key.create().update(data.subarray(0, i)).update(data.subarray(i)).digest();
          assert.equal(toHex(m), wholeMac, `hmac ${alg} split at ${i}`);
        }
        key.destroy();
      }
    });
    it('on random multi-splits', () => {
      fc.assert(fc.property(
        fc.uint8Array({ maxLength: 5000 }), fc.array(fc.nat(5000), { maxLength: 12 }), fc.constantFrom<HashAlg>('sha1', 'sha256'),
        (data, cuts, alg) => {
          const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
          const h = provider.createHash(alg);
          const m = provider.hmacKey(alg, utf8('k')).create();
          let prev = 0;
          for (const p of [...points, data.length]) {
            h.update(data.subarray(prev, p));
            m.update(data.subarray(prev, p));
            prev = p;
          }
          assert.equal(toHex(h.digest()), toHex(nodeDigest(alg, data)));
          assert.equal(toHex(m.digest()), toHex(nodeHmac(alg, utf8('k'), data)));
        },
      ), { numRuns: 150, seed: SEED });
    });
    it('many streaming contexts live at once stay independent', () => {
      const hashers = Array.from({ length: 40 }, (_, i) => provider.createHash(i % 2 ? 'sha1' : 'sha256'));
      for (let round = 0; round < 3; round++) hashers.forEach((h, i) => h.update(pseudoRandom(70, i * 10 + round)));
      hashers.forEach((h, i) => {
        const alg: HashAlg = i % 2 ? 'sha1' : 'sha256';
        const expected = nodeDigest(alg, Buffer.concat([0, 1, 2].map((r) => pseudoRandom(70, i * 10 + r))));
        assert.equal(toHex(h.digest()), toHex(expected));
      });
    });
  });

  describe(`provider ${provider.name}: refusals with typed errors`, () => {
    const key = new Uint8Array(32);
    const iv = new Uint8Array(16);
    it('decryption: bad padding, short and non-block-multiple ciphertexts are one DecryptionError', () => {
      const ct = provider.aesCbcEncrypt(key, iv, utf8('attack at dawn, not at dusk'));
      assert.equal(ct.length, 32);
      const failures: Uint8Array[] = [new Uint8Array(0), ct.subarray(0, 15), ct.subarray(0, 17), new Uint8Array(33)];
      // A last plaintext byte of 0 or > 16 is bad padding: craft it by encrypting raw blocks with node.
      for (const last of [0, 17, 255]) {
        const block = new Uint8Array(16).fill(1);
        block[15] = last;
        const c = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
        failures.push(new Uint8Array(c.update(block)));
      }
      const messages = new Set<string>();
      for (const bad of failures) {
        assert.throws(() => provider.aesCbcDecrypt(key, iv, bad), (err: unknown) => {
          assert.ok(err instanceof DecryptionError);
          assert.equal(err.code, 'DECRYPTION_FAILED');
          messages.add(err.message);
          return true;
        });
      }
      for (const badKey of [new Uint8Array(15), new Uint8Array(0), new Uint8Array(33)]) {
        assert.throws(() => provider.aesCbcDecrypt(badKey, iv, ct), DecryptionError);
      }
      assert.throws(() => provider.aesCbcDecrypt(key, new Uint8Array(8), ct), DecryptionError);
      assert.equal(messages.size, 1, 'one message for every cause');
    });
    it('decryption accepts arbitrary pad bytes whose last byte is 1..16 (XML-Enc)', () => {
      for (let n = 1; n <= 16; n++) {
        const block = pseudoRandom(32, n);
        block[31] = n;
        const c = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
        const pt = provider.aesCbcDecrypt(key, iv, new Uint8Array(c.update(block)));
        assert.equal(toHex(pt), toHex(block.subarray(0, 32 - n)));
      }
    });
    it('encryption: wrong key or IV sizes are typed CryptoErrors', () => {
      for (const n of [0, 8, 15, 17, 31, 64]) {
        assertCode(() => provider.aesCbcEncrypt(new Uint8Array(n), iv, utf8('x')), CryptoError, 'INVALID_KEY_LENGTH');
      }
      assertCode(() => provider.aesCbcEncrypt(key, new Uint8Array(15), utf8('x')), CryptoError, 'INVALID_IV_LENGTH');
    });
    it('unknown algorithms, bad lengths, non-bytes and use after digest/destroy are typed CryptoErrors', () => {
      assertCode(() => provider.digest('md5' as HashAlg, utf8('x')), CryptoError, 'UNSUPPORTED_ALGORITHM');
      assertCode(() => provider.createHash('sha512' as HashAlg), CryptoError, 'UNSUPPORTED_ALGORITHM');
      assertCode(() => provider.hmac('sha1', 'key' as unknown as Uint8Array, utf8('x')), CryptoError, 'INVALID_ARGUMENT');
      assertCode(() => provider.pHash('sha1', key, key, -1), CryptoError, 'INVALID_LENGTH');
      assertCode(() => provider.pHash('sha1', key, key, 16, 1.5), CryptoError, 'INVALID_LENGTH');
      const h = provider.createHash('sha1');
      h.digest();
      assertCode(() => h.update(utf8('x')), CryptoError, 'FINISHED');
      assertCode(() => h.digest(), CryptoError, 'FINISHED');
      const k = provider.hmacKey('sha256', key);
      k.destroy();
      assertCode(() => k.mac(utf8('x')), CryptoError, 'FINISHED');
    });
    it('equal() compares bytes and lengths; randomBytes() gives fresh bytes', () => {
      assert.equal(provider.equal(hex('0102'), hex('0102')), true);
      assert.equal(provider.equal(hex('0102'), hex('0103')), false);
      assert.equal(provider.equal(hex('0102'), hex('010200')), false);
      const a = provider.randomBytes(32);
      const b = provider.randomBytes(32);
      assert.equal(a.length, 32);
      assert.notEqual(toHex(a), toHex(b));
      assert.equal(provider.randomBytes(100_000).length, 100_000);
      assert.equal(provider.randomBytes(0).length, 0);
    });
  });
}
