import { describe, expect, it } from 'vitest';
import { PteFormatError } from '../errors.js';
import {
  decodeTreeSpec,
  encodeConstantOutput,
  encodeMethodInputs,
  encodeMethodOutputs,
  treeSpecLeafCount,
  treeSpecLeafNames,
} from './container-metadata.js';
import { readPte } from './reader.js';
import { readVector, referenceVectors } from './vectors.test-support.js';

const stories = referenceVectors().find((vector) => vector.name === 'portable_static.pte');

describe('container metadata encoders', () => {
  it.skipIf(!stories)('match what upstream wrote into the stories260K Hugging Face export, string for string', () => {
    const program = readPte(readVector(stories!));
    const plans = new Map(program.executionPlans.map((plan) => [plan.name, plan.containerMetaType!]));
    expect(encodeMethodInputs(['input_ids', 'cache_position'])).toBe(plans.get('forward')!.encodedInpStr);
    expect(encodeMethodOutputs(1)).toBe(plans.get('forward')!.encodedOutStr);
    expect(encodeConstantOutput(128)).toBe(plans.get('get_max_seq_len')!.encodedOutStr);
    expect(encodeConstantOutput(true)).toBe(plans.get('use_kv_cache')!.encodedOutStr);
    expect(encodeConstantOutput([2])).toBe(plans.get('get_eos_ids')!.encodedOutStr);
    expect(plans.get('get_eos_ids')!.encodedInpStr).toBe('');
  });

  it('escapes keys as Python json.dumps does', () => {
    expect(encodeMethodInputs(['naïve "x"'])).toContain('\\\\u00ef');
    expect(decodeTreeSpec(encodeMethodInputs(['naïve "x"']))).toEqual({
      kind: 'tuple',
      children: [{ kind: 'tuple', children: [] }, { kind: 'dict', keys: ['naïve "x"'], children: [{ kind: 'leaf' }] }],
    });
  });

  it('encodes several outputs as a tuple', () => {
    const spec = decodeTreeSpec(encodeMethodOutputs(3));
    expect(spec).toEqual({ kind: 'tuple', children: [{ kind: 'leaf' }, { kind: 'leaf' }, { kind: 'leaf' }] });
  });
});

describe('decodeTreeSpec', () => {
  it('decodes the torch JSON format and names keyword inputs', () => {
    const spec = decodeTreeSpec(encodeMethodInputs(['input_ids', 'cache_position']));
    expect(treeSpecLeafNames(spec)).toEqual(['input_ids', 'cache_position']);
    expect(treeSpecLeafCount(spec)).toBe(2);
  });

  it('decodes ExecuTorch C++ pytree strings', () => {
    expect(treeSpecLeafNames(decodeTreeSpec('T2#2#0(T2#1#1($,$),D0())'))).toEqual(['args[0]', 'args[1]']);
    expect(decodeTreeSpec('$')).toEqual({ kind: 'leaf' });
    expect(treeSpecLeafNames(decodeTreeSpec("T2#2#0(T2#1#1($,D1#1('input_pos':$)),D0())"))).toEqual(['args[0]', 'args[1].input_pos']);
    expect(treeSpecLeafNames(decodeTreeSpec('T3#1#1#2($,$,L2#1#1($,$))'))).toEqual(['[0]', '[1]', '[2][0]', '[2][1]']);
    expect(decodeTreeSpec('')).toBeNull();
  });

  it('decodes every container_meta_type string in the upstream vectors', () => {
    for (const vector of referenceVectors()) {
      for (const plan of readPte(readVector(vector)).executionPlans) {
        const input = decodeTreeSpec(plan.containerMetaType?.encodedInpStr ?? '');
        const output = decodeTreeSpec(plan.containerMetaType?.encodedOutStr ?? '');
        expect(treeSpecLeafCount(output)).toBe(plan.outputs.length);
        if (input) expect(treeSpecLeafCount(input)).toBe(plan.inputs.length);
      }
    }
  });

  it('rejects malformed strings with PteFormatError', () => {
    for (const text of ['T2#1(', '[1, {"type": 3}]', '[2, {}]', 'Q1#1($)', '[1, {"type": "builtins.dict", "context": "[1, 2]", "children_spec": []}]']) {
      expect(() => decodeTreeSpec(text), text).toThrow(PteFormatError);
    }
  });
});
