import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Bundles the probe to one plain .mjs file, so the child runs on bare Node: measured under a
 * TypeScript loader, the loader itself would be most of the baseline. esbuild is reached through
 * tsx (a root dev dependency that ships it), the same transpiler the repository already uses.
 */
async function bundleProbe(outfile: string): Promise<void> {
  const esbuild = createRequire(createRequire(join(packageRoot, 'package.json')).resolve('tsx'))('esbuild') as {
    build(options: Record<string, unknown>): Promise<unknown>;
  };
  await esbuild.build({
    entryPoints: [join(packageRoot, 'test/measure-load-memory.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    conditions: ['@etch/source'],
    outfile,
    logLevel: 'warning',
  });
}
const folder = mkdtempSync(join(tmpdir(), 'etch-memory-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** SmolLM2-135M's shapes (134.5M parameters, tied embeddings), stored as BF16 like the real checkpoint. */
function smolLm2Shapes(): [string, number[]][] {
  const hidden = 576;
  const kv = 192;
  const intermediate = 1536;
  const shapes: [string, number[]][] = [['model.embed_tokens.weight', [49152, hidden]]];
  for (let layer = 0; layer < 30; layer++) {
    const prefix = `model.layers.${layer}`;
    shapes.push(
      [`${prefix}.self_attn.q_proj.weight`, [hidden, hidden]],
      [`${prefix}.self_attn.k_proj.weight`, [kv, hidden]],
      [`${prefix}.self_attn.v_proj.weight`, [kv, hidden]],
      [`${prefix}.self_attn.o_proj.weight`, [hidden, hidden]],
      [`${prefix}.mlp.gate_proj.weight`, [intermediate, hidden]],
      [`${prefix}.mlp.up_proj.weight`, [intermediate, hidden]],
      [`${prefix}.mlp.down_proj.weight`, [hidden, intermediate]],
      [`${prefix}.input_layernorm.weight`, [hidden]],
      [`${prefix}.post_attention_layernorm.weight`, [hidden]],
    );
  }
  shapes.push(['model.norm.weight', [hidden]]);
  return shapes;
}

/** Writes the checkpoint in 1 MiB chunks, so the test process itself never holds it. */
function writeCheckpoint(path: string, shapes: [string, number[]][]): number {
  const header: Record<string, unknown> = {};
  let offset = 0;
  let parameters = 0;
  for (const [name, shape] of shapes) {
    const count = shape.reduce((product, dim) => product * dim, 1);
    header[name] = { dtype: 'BF16', shape, data_offsets: [offset, offset + 2 * count] };
    offset += 2 * count;
    parameters += count;
  }
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  const descriptor = openSync(path, 'w');
  try {
    writeSync(descriptor, prefix);
    writeSync(descriptor, json);
    const chunk = Buffer.alloc(1 << 20, 0x3f);
    for (let left = offset; left > 0; left -= chunk.length) writeSync(descriptor, chunk, 0, Math.min(chunk.length, left));
  } finally {
    closeSync(descriptor);
  }
  return parameters;
}

describe('loading memory', () => {
  it('a 135M-parameter checkpoint, every tensor read and kept, peaks under 1.3x its file size', async () => {
    const weightsFile = join(folder, 'model.safetensors');
    const parameters = writeCheckpoint(weightsFile, smolLm2Shapes());
    expect(parameters).toBeGreaterThan(134_000_000);
    writeFileSync(
      join(folder, 'config.json'),
      JSON.stringify({
        model_type: 'llama',
        vocab_size: 49152,
        hidden_size: 576,
        intermediate_size: 1536,
        num_hidden_layers: 30,
        num_attention_heads: 9,
        num_key_value_heads: 3,
        tie_word_embeddings: true,
        max_position_embeddings: 8192,
      }),
    );
    const fileSize = statSync(weightsFile).size;
    const probe = join(folder, 'probe.mjs');
    await bundleProbe(probe);
    const output = execFileSync(process.execPath, [probe, folder], { encoding: 'utf8' });
    const measured = JSON.parse(output) as { baselineRss: number; peakRss: number; tensorBytes: number; tensors: number };
    expect(measured.tensors).toBe(2 + 30 * 9);
    expect(measured.tensorBytes).toBe(2 * parameters);
    expect(measured.peakRss).toBeLessThanOrEqual(1.3 * fileSize);
    // Beyond the process's own baseline, the tensors cost about their size once (no second copy).
    expect(measured.peakRss - measured.baselineRss).toBeLessThan(1.1 * measured.tensorBytes);
  });
});
