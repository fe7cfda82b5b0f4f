// WS-SecureConversation 1.3 §3: the session a security context token stands for, as the message layer needs it.
import type { WsscVersion } from './versions.js';

export interface SessionToken {
  version: WsscVersion;
  /** The SCT Identifier (`urn:uuid:…`). */
  identifier: string;
  /** Key generation after a renew (`sc:Instance`). */
  instance?: string;
  /** The SCT secret. */
  key: Uint8Array;
  /** Cookie-mode state, carried in the SCT as `dnse:Cookie`. */
  cookie?: Uint8Array;
}
