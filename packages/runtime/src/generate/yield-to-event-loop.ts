/**
 * Generation runs synchronous kernels; between tokens it yields to the event loop so an
 * AbortSignal fired by a timer, a UI event or a request close is seen, in Node and browsers.
 */

/** Resolves on the next macrotask (setImmediate in Node, a MessageChannel message in browsers). */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
