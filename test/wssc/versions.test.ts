// The two protocol versions against protocol.md §1.1-§1.2 (the strings typed out here, not derived from the code).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LABEL, DEFAULT_LABEL_BYTES, WSSC_13, WSSC_FEB2005, versionOfScNamespace, versionOfTrustNamespace, wsscVersion } from '../../src/wssc/index.js';

test('Feb 2005 (wsHttpBinding) URIs and actions are protocol.md §1.1-§1.2', () => {
  const v = WSSC_FEB2005;
  assert.equal(v.sc, 'http://schemas.xmlsoap.org/ws/2005/02/sc');
  assert.equal(v.trust, 'http://schemas.xmlsoap.org/ws/2005/02/trust');
  assert.equal(v.scPrefix, 'c');
  assert.equal(v.trustPrefix, 't');
  assert.equal(v.sctTokenType, 'http://schemas.xmlsoap.org/ws/2005/02/sc/sct');
  assert.equal(v.dktTokenType, 'http://schemas.xmlsoap.org/ws/2005/02/sc/dk');
  assert.equal(v.pSha1, 'http://schemas.xmlsoap.org/ws/2005/02/sc/dk/p_sha1');
  assert.equal(v.computedKeyPSha1, 'http://schemas.xmlsoap.org/ws/2005/02/trust/CK/PSHA1');
  assert.equal(v.nonceType, 'http://schemas.xmlsoap.org/ws/2005/02/trust/Nonce');
  assert.deepEqual(v.requestTypes, {
    issue: 'http://schemas.xmlsoap.org/ws/2005/02/trust/Issue',
    renew: 'http://schemas.xmlsoap.org/ws/2005/02/trust/Renew',
    cancel: 'http://schemas.xmlsoap.org/ws/2005/02/trust/Cancel',
  });
  assert.deepEqual(v.actions, {
    issue: 'http://schemas.xmlsoap.org/ws/2005/02/trust/RST/SCT',
    issueResponse: 'http://schemas.xmlsoap.org/ws/2005/02/trust/RSTR/SCT',
    renew: 'http://schemas.xmlsoap.org/ws/2005/02/trust/RST/SCT/Renew',
    renewResponse: 'http://schemas.xmlsoap.org/ws/2005/02/trust/RSTR/SCT/Renew',
    cancel: 'http://schemas.xmlsoap.org/ws/2005/02/trust/RST/SCT/Cancel',
    cancelResponse: 'http://schemas.xmlsoap.org/ws/2005/02/trust/RSTR/SCT/Cancel',
  });
  assert.equal(v.wrapsResponses, false);
});

test('1.3 (ws2007HttpBinding) URIs and actions are protocol.md §1.1-§1.2', () => {
  const v = WSSC_13;
  assert.equal(v.sc, 'http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512');
  assert.equal(v.trust, 'http://docs.oasis-open.org/ws-sx/ws-trust/200512');
  assert.equal(v.scPrefix, 'sc');
  assert.equal(v.trustPrefix, 'trust');
  assert.equal(v.sctTokenType, 'http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512/sct');
  assert.equal(v.dktTokenType, 'http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512/dk');
  assert.equal(v.pSha1, 'http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512/dk/p_sha1');
  assert.equal(v.computedKeyPSha1, 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/PSHA1');
  assert.equal(v.nonceType, 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Nonce');
  assert.equal(v.requestTypes.issue, 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue');
  assert.equal(v.requestTypes.renew, 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Renew');
  assert.equal(v.requestTypes.cancel, 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/Cancel');
  assert.equal(v.actions.issue, 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/SCT');
  assert.equal(v.actions.issueResponse, 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTR/SCT');
  assert.equal(v.actions.renew, 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/SCT/Renew');
  assert.equal(v.actions.renewResponse, 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTR/SCT/Renew');
  assert.equal(v.actions.cancel, 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/SCT/Cancel');
  assert.equal(v.actions.cancelResponse, 'http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTR/SCT/Cancel');
  assert.equal(v.wrapsResponses, true);
});

test('default label, lookups and names', () => {
  assert.equal(DEFAULT_LABEL, 'WS-SecureConversationWS-SecureConversation');
  assert.equal(DEFAULT_LABEL_BYTES.length, 42);
  assert.equal(versionOfScNamespace(WSSC_13.sc), WSSC_13);
  assert.equal(versionOfTrustNamespace(WSSC_FEB2005.trust), WSSC_FEB2005);
  assert.equal(versionOfScNamespace(WSSC_13.trust), undefined);
  assert.equal(wsscVersion('feb2005'), WSSC_FEB2005);
  assert.equal(wsscVersion('1.3'), WSSC_13);
  assert.throws(() => wsscVersion('2004' as never), RangeError);
  assert.ok(Object.isFrozen(WSSC_13) && Object.isFrozen(WSSC_13.actions));
});
