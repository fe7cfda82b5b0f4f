// AES-CBC core ABI (aes_* exports): NIST SP 800-38A F.2, FIPS 197 appendix C, and differential tests against node:crypto.
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes, randomInt } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { core } from '../../src/crypto/wasm/core.js';
import { initSync } from '../../src/crypto/wasm/loader.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function init(slot: number, key: Uint8Array): number {
  const { abi, io } = core();
  io.set(key, 0);
  return abi.aes_init(slot, key.length);
}

/** One aes_cbc_* call: IV (or chaining block) and data in, data and the new chaining block out. */
function cbcCall(encrypt: boolean, slot: number, iv: Uint8Array, data: Uint8Array): [Uint8Array, Uint8Array] {
  const { abi, io } = core();
  io.set(iv, 0);
  io.set(data, 16);
  (encrypt ? abi.aes_cbc_encrypt : abi.aes_cbc_decrypt)(slot, data.length);
  return [io.slice(16, 16 + data.length), io.slice(0, 16)];
}

function cbc(encrypt: boolean, key: Uint8Array, iv: Uint8Array, data: Uint8Array, slot = 0): Uint8Array {
  assert.equal(init(slot, key), 0);
  const [out] = cbcCall(encrypt, slot, iv, data);
  core().abi.aes_release(slot);
  return out;
}

function nodeCbc(encrypt: boolean, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const alg = `aes-${key.length * 8}-cbc`;
  const c = encrypt ? createCipheriv(alg, key, iv) : createDecipheriv(alg, key, iv);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

before(() => initSync());

describe('AES-CBC core: known answers', () => {
  // NIST SP 800-38A, F.2.1–F.2.6.
  const iv = hex('000102030405060708090a0b0c0d0e0f');
  const plain = hex(`6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
    30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710`);
  const vectors = [
    ['F.2.1/F.2.2 CBC-AES128', '2b7e151628aed2a6abf7158809cf4f3c', `7649abac8119b246cee98e9b12e9197d
      5086cb9b507219ee95db113a917678b2 73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7`],
    ['F.2.3/F.2.4 CBC-AES192', '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b', `4f021db243bc633d7178183a9fa071e8
      b4d9ada9ad7dedf4e5e738763f69145a 571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd`],
    ['F.2.5/F.2.6 CBC-AES256', '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4', `f58c4c04d6e5f1ba779eabfb5f7bfbd6
      9cfc4e967edb808d679f777bc6702c7d 39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b`],
  ] as const;
  for (const [name, key, cipher] of vectors) {
    it(`${name} encrypt`, () => assert.equal(toHex(cbc(true, hex(key), iv, plain)), toHex(hex(cipher))));
    it(`${name} decrypt`, () => assert.equal(toHex(cbc(false, hex(key), iv, hex(cipher))), toHex(plain)));
  }

  // FIPS 197 appendix C: one block, so CBC with a zero IV is the bare cipher.
  const block = hex('00112233445566778899aabbccddeeff');
  const zero = new Uint8Array(16);
  const fips = [
    ['C.1 AES-128', 16, '69c4e0d86a7b0430d8cdb78070b4c55a'],
    ['C.2 AES-192', 24, 'dda97ca4864cdfe06eaf70a0ec0d7191'],
    ['C.3 AES-256', 32, '8ea2b7ca516745bfeafc49904b496089'],
  ] as const;
  for (const [name, keyLen, cipher] of fips) {
    const key = Uint8Array.from({ length: keyLen }, (_, i) => i);
    it(`FIPS 197 ${name}`, () => {
      assert.equal(toHex(cbc(true, key, zero, block)), cipher);
      assert.equal(toHex(cbc(false, key, zero, hex(cipher))), toHex(block));
    });
  }
});

describe('AES-CBC core: against node:crypto', () => {
  it('random keys of every size, 0..64 blocks, both directions', () => {
    for (let n = 0; n < 150; n++) {
      const key = randomBytes([16, 24, 32][n % 3]!);
      const iv = randomBytes(16);
      const data = randomBytes(16 * randomInt(0, 65));
      const slot = n % core().abi.aes_slots();
      for (const encrypt of [true, false]) {
        assert.equal(toHex(cbc(encrypt, key, iv, data, slot)), toHex(nodeCbc(encrypt, key, iv, data)), `key ${key.length}, ${data.length} B`);
      }
    }
  });

  it('a full I/O buffer in one call', () => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    const data = randomBytes(core().ioSize - 16);
    for (const encrypt of [true, false]) assert.deepEqual(cbc(encrypt, key, iv, data), nodeCbc(encrypt, key, iv, data));
  });

  it('one message over several calls equals one call, and the chaining block is the last ciphertext block', () => {
    const splits = [[0, 3, 7, 1, 9], [4, 4, 12], [5, 0, 0, 15], [20]];
    for (const keyLen of [16, 24, 32]) {
      const key = randomBytes(keyLen);
      const iv = randomBytes(16);
      const plain = randomBytes(20 * 16);
      const cipher = nodeCbc(true, key, iv, plain);
      for (const encrypt of [true, false]) {
        const input = encrypt ? plain : cipher;
        for (const split of splits) {
          assert.equal(init(1, key), 0);
          let chain: Uint8Array = iv;
          const parts: Uint8Array[] = [];
          let at = 0;
          for (const blocks of split) {
            const [out, next] = cbcCall(encrypt, 1, chain, input.subarray(at, at + 16 * blocks));
            parts.push(out);
            at += 16 * blocks;
            const lastCipher = at === 0 ? iv : cipher.subarray(at - 16, at);
            assert.equal(toHex(next), toHex(lastCipher), `chaining block after ${at} B`);
            chain = next;
          }
          core().abi.aes_release(1);
          assert.equal(toHex(Buffer.concat(parts)), toHex(encrypt ? cipher : plain), `split ${split}`);
        }
      }
    }
  });

  it('slots are independent', () => {
    const [k0, k7] = [randomBytes(16), randomBytes(32)];
    const iv = randomBytes(16);
    const data = randomBytes(96);
    const last = core().abi.aes_slots() - 1;
    assert.equal(init(0, k0), 0);
    assert.equal(init(last, k7), 0);
    assert.equal(toHex(cbcCall(true, last, iv, data)[0]), toHex(nodeCbc(true, k7, iv, data)));
    assert.equal(toHex(cbcCall(false, 0, iv, data)[0]), toHex(nodeCbc(false, k0, iv, data)));
    core().abi.aes_release(0);
    core().abi.aes_release(last);
  });
});

describe('AES-CBC core: key handling', () => {
  it('rejects key lengths other than 16, 24 and 32', () => {
    for (const len of [0, 1, 8, 15, 17, 20, 31, 33, 64]) assert.equal(init(2, randomBytes(len)), 1, `length ${len}`);
  });

  it('wipes the key bytes from IO after aes_init', () => {
    for (const len of [16, 24, 32, 20]) {
      init(2, randomBytes(len).map((b) => b | 1));
      assert.deepEqual(core().io.subarray(0, len), new Uint8Array(len), `length ${len}`);
      core().abi.aes_release(2);
    }
  });

  it('aes_release leaves no trace of the schedule in memory', () => {
    const { abi, io } = core();
    const ioStart = io.byteOffset;
    const ioEnd = ioStart + io.length;
    const outsideIo = (): Uint8Array => {
      const all = new Uint8Array(abi.memory.buffer).slice();
      all.fill(0, ioStart, ioEnd);
      return all;
    };
    abi.aes_release(3);
    const before = outsideIo();
    assert.equal(init(3, randomBytes(32)), 0);
    cbcCall(true, 3, randomBytes(16), randomBytes(256));
    cbcCall(false, 3, randomBytes(16), randomBytes(256));
    const during = outsideIo();
    let changed = 0;
    for (let i = 0; i < during.length; i++) if (during[i] !== before[i]) changed++;
    assert.ok(changed > 200, `the schedule should be visible in memory (${changed} bytes changed)`);
    abi.aes_release(3);
    assert.ok(Buffer.from(outsideIo()).equals(Buffer.from(before)), 'memory outside IO differs after aes_release');
  });
});
