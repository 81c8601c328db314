/** The part of jose the client uses (src/client/token.ts), bundled alone for comparison. */
export {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  errors,
  jwtVerify,
} from 'jose';
