// wssc/dsig: XML Signature Syntax and Processing 1.1 (XMLDSig 1.1 §3 core generation and validation) under wssc's profile.
export { signXml, type SignOptions, type SignReference } from './sign.js';
export { verifySignature, type VerificationResult, type VerifiedReference, type VerifyOptions } from './verify.js';
export type { SigningKey, VerificationKey } from './keys.js';
export { C14N, DIGEST, DSIG_NAMESPACE, ENVELOPED_SIGNATURE, SIGNATURE, type SignatureAlgorithm } from './algorithms.js';
export { SignatureError } from '../errors.js';
