// WS-SecureConversation 1.3 §8 faults (BadContextToken, RenewNeeded), WSS 1.1 §12 security faults and WCF's ServerTooBusy, written and classified.
import { SessionError } from '../errors.js';
import { securityFault, soapFault } from '../soap/fault.js';
import type { SoapVersion } from '../soap/namespaces.js';
import { WSSE_NAMESPACE } from '../wss/namespaces.js';
import type { FaultInfo } from './session-envelope.js';
import { DNSE_NAMESPACE, WSSC_VERSIONS, type WsscVersion } from './versions.js';

/**
 * What the service answers. SECURITY: each kind has one fixed reason string; the cause is logged, never sent.
 * `bad-context-token`, `renew-needed`, `server-too-busy` and `message-expired` are the ones a client can act on.
 */
export type ServiceFault = 'bad-context-token' | 'renew-needed' | 'server-too-busy' | 'message-expired' | 'invalid-security' | 'receiver';

export function faultEnvelope(kind: ServiceFault, soap: SoapVersion, version: WsscVersion, relatesTo?: string): Uint8Array {
  const rel = relatesTo === undefined ? {} : { relatesTo };
  switch (kind) {
    case 'bad-context-token':
      return soapFault({
        version: soap, code: 'Sender', subcode: { namespace: version.sc, local: version.faults.badContextToken, prefix: version.scPrefix },
        reason: 'The security context token is expired or is not valid. The message was not processed.', ...rel,
      });
    case 'renew-needed':
      return soapFault({
        version: soap, code: 'Sender', subcode: { namespace: version.sc, local: version.faults.renewNeeded, prefix: version.scPrefix },
        reason: 'The security context key has expired and must be renewed.', ...rel,
      });
    case 'server-too-busy':
      return soapFault({
        version: soap, code: 'Receiver', subcode: { namespace: DNSE_NAMESPACE, local: 'ServerTooBusy', prefix: 'dnse' },
        reason: 'The server is too busy to process the request. Try again later.', ...rel,
      });
    case 'message-expired':
      return securityFault(soap, 'MessageExpired', rel);
    case 'invalid-security':
      return securityFault(soap, 'InvalidSecurity', rel);
    case 'receiver':
      return soapFault({ version: soap, code: 'Receiver', reason: 'The server was unable to process the request.', ...rel });
  }
}

/** The typed client error for a fault the service sent. */
export function faultError(f: FaultInfo): SessionError {
  const sub = f.subcode;
  const isSc = sub !== undefined && WSSC_VERSIONS.some((v) => v.sc === sub.namespace);
  if (isSc && sub.local === 'BadContextToken') return new SessionError('BAD_CONTEXT_TOKEN', 'the service does not accept the security context token');
  if (isSc && sub.local === 'RenewNeeded') return new SessionError('RENEW_NEEDED', 'the service asks for a key renewal', { retry: true });
  if (sub?.namespace === DNSE_NAMESPACE && sub.local === 'ServerTooBusy') return new SessionError('SERVER_TOO_BUSY', 'the service is too busy', { retry: true });
  if (sub?.namespace === WSSE_NAMESPACE && sub.local === 'MessageExpired') return new SessionError('MESSAGE_EXPIRED', 'the service found the message expired (clock skew?)', { retry: true });
  if (sub?.namespace === WSSE_NAMESPACE) return new SessionError('SECURITY_FAULT', `security fault ${sub.local}: ${f.reason}`);
  return new SessionError('SOAP_FAULT', `SOAP fault ${sub?.local ?? f.code.local}: ${f.reason}`);
}
