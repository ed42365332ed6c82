/**
 * A Hugging Face Hub stand-in for tests: a `fetch` that answers the model-info, paths-info and
 * resolve endpoints `@huggingface/hub` calls, from an in-memory repository. It records requests,
 * so tests can tell what was downloaded and what came from the cache.
 */

import { createHash } from 'node:crypto';

export interface FakeRepository {
  name: string;
  commit: string;
  files: Record<string, Uint8Array>;
}

export interface FakeHub {
  fetch: typeof fetch;
  /** `METHOD path` of every request, in order. */
  readonly requests: string[];
  readonly url: string;
}

const HUB_URL = 'https://hub.invalid';

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A fetch serving `repository` at its commit (revision `main` resolves to it). */
export function createFakeHub(repository: FakeRepository): FakeHub {
  const requests: string[] = [];
  const digest = (data: Uint8Array, algorithm: string) => createHash(algorithm).update(data).digest('hex');
  const resolves = (revision: string) => revision === 'main' || revision === repository.commit;

  const handler = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? 'GET';
    requests.push(`${method} ${url.pathname}`);
    const path = decodeURIComponent(url.pathname);
    const info = path.match(/^\/api\/models\/(.+)\/revision\/(.+)$/);
    if (info) {
      if (info[1] !== repository.name || !resolves(info[2]!)) return json({ error: 'Repository not found' }, 404);
      return json({
        _id: 'fake',
        id: repository.name,
        sha: repository.commit,
        siblings: Object.keys(repository.files).map((rfilename) => ({ rfilename })),
        private: false,
        gated: false,
        downloads: 0,
        likes: 0,
        lastModified: '2026-01-01T00:00:00.000Z',
        tags: [],
      });
    }
    const paths = path.match(/^\/api\/models\/(.+)\/paths-info\/(.+)$/);
    if (paths && method === 'POST') {
      const body = JSON.parse(String(init?.body)) as { paths: string[] };
      return json(
        body.paths
          .filter((file) => repository.files[file] !== undefined)
          .map((file) => {
            const data = repository.files[file]!;
            const lfs = file.endsWith('.safetensors') ? { lfs: { oid: digest(data, 'sha256'), size: data.length, pointerSize: 134 } } : {};
            return { type: 'file', path: file, oid: digest(data, 'sha1'), size: data.length, ...lfs, lastCommit: { id: repository.commit, title: 'fake', date: '2026-01-01T00:00:00.000Z' } };
          }),
      );
    }
    const resolve = path.match(/^\/(.+?\/.+?)\/resolve\/([^/]+)\/(.+)$/);
    if (resolve && resolve[1] === repository.name && resolves(resolve[2]!)) {
      const data = repository.files[resolve[3]!];
      if (data === undefined) return new Response('not found', { status: 404, headers: { 'X-Error-Code': 'EntryNotFound' } });
      const headers = { 'content-type': 'application/octet-stream', etag: `"${digest(data, 'sha1')}"` };
      const range = new Headers(init?.headers).get('range');
      if (range === 'bytes=0-0') {
        return new Response(data.slice(0, 1), { status: 206, headers: { ...headers, 'content-range': `bytes 0-0/${data.length}`, 'content-length': '1' } });
      }
      return new Response(data.slice(), { status: 200, headers: { ...headers, 'content-length': String(data.length) } });
    }
    return json({ error: `unexpected request ${method} ${path}` }, 500);
  };
  return { fetch: handler as typeof fetch, requests, url: HUB_URL };
}
