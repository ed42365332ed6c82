/**
 * The feed-forward block of a decoder layer: gated (SwiGLU/GeGLU, optionally with gate and up
 * fused into one projection) or plain two-layer MLP.
 */

import type { NodeArgument } from '@etch/core';
import type { Activation, FeedForward, LinearModule } from './decoder-spec.js';
import type { ModelGraph } from './model-graph.js';

/** `module(input)`: the bias is used when the checkpoint has one; Conv1D weights are transposed. */
export function applyLinear(graph: ModelGraph, module: LinearModule, input: NodeArgument): NodeArgument {
  let weight = graph.parameter(`${module.name}.weight`);
  if (module.transposed) weight = graph.transpose(weight, 0, 1);
  const bias = graph.hasWeight(`${module.name}.bias`) ? graph.parameter(`${module.name}.bias`) : null;
  return graph.linear(input, weight, bias);
}

export function applyActivation(graph: ModelGraph, activation: Activation, input: NodeArgument): NodeArgument {
  switch (activation) {
    case 'silu':
      return graph.unary('silu', input);
    case 'relu':
      return graph.unary('relu', input);
    case 'gelu':
      return graph.gelu(input, 'none');
    case 'gelu-tanh':
      return graph.gelu(input, 'tanh');
  }
}

export function applyFeedForward(graph: ModelGraph, spec: FeedForward, input: NodeArgument): NodeArgument {
  switch (spec.kind) {
    case 'gated': {
      const gate = applyActivation(graph, spec.activation, applyLinear(graph, spec.gate, input));
      return applyLinear(graph, spec.down, graph.mul(gate, applyLinear(graph, spec.up, input)));
    }
    case 'gated-fused': {
      const fused = applyLinear(graph, spec.gateUp, input);
      const width = (graph.shape(fused).at(-1) as number) / 2;
      const gate = graph.slice(fused, -1, 0, width);
      const up = graph.slice(fused, -1, width, 2 * width);
      return applyLinear(graph, spec.down, graph.mul(up, applyActivation(graph, spec.activation, gate)));
    }
    case 'plain':
      return applyLinear(graph, spec.down, applyActivation(graph, spec.activation, applyLinear(graph, spec.up, input)));
  }
}
