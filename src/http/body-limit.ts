import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors';

/** A body over `maxSize` bytes is a client's mistake: the 400 envelope, never a 413 page. */
export function limitBody(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError('invalid_request', `The body exceeds ${maxSize} bytes.`);
    },
  });
}
