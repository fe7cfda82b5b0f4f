// RFC 9112 §5, §6.2, §7.1 and RFC 9110 §7.6.1 message syntax shared by the HTTP/1.1 client and server: known answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIGITS, chunkSize, connectionCloses, readFields } from '../../src/http/message.js';

describe('HTTP/1.1 message syntax', () => {
  it('chunk-size lines: hex sizes with extensions; anything else undefined', () => {
    const cases: [string, number | undefined][] = [
      ['0', 0], ['1a', 26], ['FF;name=value', 255], ['10 ;x', 16], ['000000000000000004', 4], ['fffffffffffff', 0xfffffffffffff],
      ['', undefined], ['zz', undefined], ['-1', undefined], [' 1', undefined], ['12345678901234', undefined], ['1\r', undefined], ['1;a\u0001', undefined],
    ];
    for (const [line, size] of cases) assert.equal(chunkSize(line), size, JSON.stringify(line));
  });

  it('field lines: names lower-cased, values trimmed of OWS, in order; each malformed line refused with its reason', () => {
    const seen: [string, string][] = [];
    assert.equal(readFields('HTTP/1.1 200 OK\r\nHost: a \r\nX-Y:\t b c\t\r\nEmpty:', 17, (n, v) => seen.push([n, v])), undefined);
    assert.deepEqual(seen, [['host', 'a'], ['x-y', 'b c'], ['empty', '']]);
    const refused: [string, RegExp][] = [
      [' folded: x', /folding/], ['\tfolded: x', /folding/], ['no colon', /without a name/], [': x', /without a name/],
      ['X : 1', /invalid header name/], ['X[1]: 1', /invalid header name/], ['X: a\u0000b', /invalid character/], ['X: a\rb', /invalid character/], ['X: a\nb', /invalid character/],
    ];
    for (const [line, why] of refused) assert.match(readFields(`A: 1\r\n${line}`, 0, () => {}) ?? 'accepted', why, JSON.stringify(line));
  });

  it('Connection: close closes; HTTP/1.0 closes unless keep-alive', () => {
    assert.deepEqual([
      connectionCloses(undefined, false), connectionCloses(undefined, true), connectionCloses('Close', false), connectionCloses('keep-alive, close', true),
      connectionCloses('Keep-Alive', true), connectionCloses('upgrade', true), connectionCloses('upgrade', false),
    ], [false, true, true, true, false, true, false]);
  });

  it('Content-Length: 1 to 15 digits', () => {
    assert.deepEqual(['0', '8723', '123456789012345', '', '+5', '5x', '1234567890123456', ' 5'].map((v) => DIGITS.test(v)), [true, true, true, false, false, false, false, false]);
  });
});
