/** The part of jose the client uses (src/client/token.ts), bundled alone for comparison. */
export { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
