/**
 * Our own time limit around a Redis call. The client's abort signal cancels the fetch,
 * but this race is what guarantees the caller an answer in time even if the runtime or
 * the client is slow to honour the abort.
 */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(`no answer within ${ms} ms`)), ms);
  });
  // A late rejection of `work` must not become an unhandled rejection.
  work.catch(() => {});
  return Promise.race([work, deadline]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}
