import { describe, expect, it } from 'vitest';
import { softmaxOperators } from './softmax.js';
import { operatorRunner, f32, i64 } from './operator-test-support.js';

const { run } = operatorRunner(softmaxOperators());

// Expected values computed with torch 2.13.

describe('softmax', () => {
  const scores = () => f32([1, 2, 3, 4, 1000, 1001, -Infinity, 999], [2, 4]);

  it('_softmax is stable for large scores and gives masked entries zero', () => {
    const result = run('aten::_softmax', scores(), -1, false);
    expect([...result.data]).toEqual([
      0.032058604061603546, 0.08714432269334793, 0.23688283562660217, 0.6439142823219299, 0.2447284758090973, 0.6652409434318542, 0, 0.09003057330846786,
    ]);
  });

  it('_log_softmax matches torch, -inf staying -inf', () => {
    const result = run('aten::_log_softmax', scores(), 1, false);
    expect([...result.data]).toEqual([
      -3.4401895999908447, -2.4401895999908447, -1.4401897192001343, -0.4401896893978119, -1.4076058864593506, -0.40760594606399536, -Infinity, -2.4076058864593506,
    ]);
  });

  it('softmax.int over a leading dim', () => {
    expect([...run('aten::softmax.int', f32([1, 2, 3, 5], [2, 2]), 0, null).data]).toEqual([0.11920291930437088, 0.04742587357759476, 0.8807970285415649, 0.9525741338729858]);
    expect(() => run('aten::_softmax', i64([1, 2]), 0, false)).toThrow(/needs a floating tensor/);
  });
});
