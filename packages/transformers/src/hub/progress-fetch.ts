/**
 * `@huggingface/hub` downloads through a `fetch` it is given but reports no progress. Wrapping
 * that fetch lets etch count the body bytes of each download as they stream into the cache.
 */

/**
 * A fetch that behaves like `base` but calls `onBytes(count)` for every chunk of a non-JSON
 * response body it reads (file contents; API answers are JSON and not counted).
 */
export function progressFetch(base: typeof fetch, onBytes: (count: number) => void): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || response.body === null || type.includes('json')) return response;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          onBytes(chunk.byteLength);
          controller.enqueue(chunk);
        },
      }),
    );
    const wrapped = new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
    // The hub client compares `url` with the endpoint to decide where the file really lives.
    Object.defineProperty(wrapped, 'url', { value: response.url });
    Object.defineProperty(wrapped, 'redirected', { value: response.redirected });
    return wrapped;
  };
}
