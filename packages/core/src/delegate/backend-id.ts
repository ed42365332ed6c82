/**
 * Backend ids are the exact strings ExecuTorch runtime backends register under and that the
 * `.pte` stores in `BackendDelegate.id`. They are spelled out here once, never derived from a
 * class or package name.
 */

export const BackendIds = {
  xnnpack: 'XnnpackBackend',
  vulkan: 'VulkanBackend',
  coreml: 'CoreMLBackend',
  mps: 'MPSBackend',
  qnn: 'QnnBackend',
  ethosU: 'EthosUBackend',
} as const;

/** A known backend id, or any other string a third-party delegate registers. */
export type BackendId = (typeof BackendIds)[keyof typeof BackendIds] | (string & {});
