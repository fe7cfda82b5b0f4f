// The HMAC key and the session shared by the browser page and the Node side of the cross-checks: labelled, public test keys.
import type { SessionToken } from '../../src/wssc/session-token.js';
import type { TokenLookup } from '../../src/wssc/unprotect.js';
import { WSSC_13 } from '../../src/wssc/versions.js';

export const CROSS_KEY = new TextEncoder().encode('wssc browser test key - public, test only');

/** A session both sides hold (as if issued): messages protected by one side are opened by the other. */
export const CROSS_SESSION: SessionToken = {
  version: WSSC_13,
  identifier: 'urn:uuid:0b5e55ed-0000-4000-8000-00000000b0b5',
  key: new TextEncoder().encode('wssc browser session key 32 byte'),
};

export const resolveCrossSession = (ref: TokenLookup): SessionToken | undefined =>
  (ref.sct?.identifier ?? ref.identifier) === CROSS_SESSION.identifier ? CROSS_SESSION : undefined;

export const ECHO_ACTION = 'http://tempuri.org/IEchoService/EchoString';
export const echoBody = (text: string): string => `<EchoString xmlns="http://tempuri.org/"><echo>${text}</echo></EchoString>`;
