/**
 * `@huggingface/hub` downloads through a `fetch` it is given but reports no progress. Wrapping
 * that fetch lets etch count the bytes of each file body as they stream into the cache.
 */

/** Called with the bytes received so far and the body's size (when the server says). */
export type ByteProgress = (received: number, total: number | undefined) => void;

/**
 * A fetch that behaves like `base`, but reports progress while the body of a file download
 * (a response carrying a `content-length` or an octet stream) is read.
 */
export function progressFetch(base: typeof fetch, onBytes: ByteProgress): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || response.body === null || type.includes('json')) return response;
    const length = Number(response.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 ? length : undefined;
    let received = 0;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          received += chunk.byteLength;
          onBytes(received, total);
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
