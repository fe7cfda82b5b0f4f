// The HMAC key shared by the browser page and the Node side of the cross-checks: a labelled, public test key.
export const CROSS_KEY = new TextEncoder().encode('wssc browser test key - public, test only');
