// The shared provider suite over @noble/hashes and @noble/ciphers.
import { js } from '../../../src/crypto/index.js';
import { providerSuite } from '../provider-suite.js';

providerSuite(js);
