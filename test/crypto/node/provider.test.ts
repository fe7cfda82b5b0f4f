// The shared provider suite over node:crypto.
import { nodeProvider } from '../../../src/crypto/index.js';
import { providerSuite } from '../provider-suite.js';

providerSuite(nodeProvider());
