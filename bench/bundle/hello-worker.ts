/** The startup floor: a worker with nothing in its global scope, bundled and run like ours. */
export default {
  fetch(): Response {
    return new Response('hello');
  },
} satisfies ExportedHandler;
