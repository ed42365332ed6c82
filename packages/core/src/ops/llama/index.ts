/**
 * The `llama::` custom operators of ExecuTorch's LLM extension (`extension/llm/custom_ops`): KV
 * cache updates and attention over the cache. ExecuTorch registers only the `.out` variants;
 * the functional forms exist so graphs can use them before the `.out` conversion.
 */

import type { OperatorDefinition } from '../definition.js';
import { customSdpaOperators } from './custom-sdpa.js';
import { kvCacheOperators } from './kv-cache.js';

/** Every `llama::` operator. */
export function llamaOperators(): OperatorDefinition[] {
  return [...kvCacheOperators(), ...customSdpaOperators()];
}
