/**
 * ExecuTorch's ScalarType codes (c10 numbering, `schema/scalar_type.fbs`). Every tensor in the IR,
 * the `.pte` file and the runtime carries one of these codes, so conversions happen nowhere else.
 */

export const ScalarType = {
  BYTE: 0,
  CHAR: 1,
  SHORT: 2,
  INT: 3,
  LONG: 4,
  HALF: 5,
  FLOAT: 6,
  DOUBLE: 7,
  BOOL: 11,
  QINT8: 12,
  QUINT8: 13,
  QINT32: 14,
  BFLOAT16: 15,
  QUINT4X2: 16,
  QUINT2X4: 17,
  BITS16: 22,
  FLOAT8E5M2: 23,
  FLOAT8E4M3FN: 24,
  FLOAT8E5M2FNUZ: 25,
  FLOAT8E4M3FNUZ: 26,
  UINT16: 27,
  UINT32: 28,
  UINT64: 29,
} as const;

export type ScalarType = (typeof ScalarType)[keyof typeof ScalarType];

const ELEMENT_SIZE: Record<number, number> = {
  0: 1, 1: 1, 2: 2, 3: 4, 4: 8, 5: 2, 6: 4, 7: 8, 11: 1, 12: 1, 13: 1, 14: 4, 15: 2, 16: 1, 17: 1,
  22: 2, 23: 1, 24: 1, 25: 1, 26: 1, 27: 2, 28: 4, 29: 8,
};

const NAMES = new Map<number, string>(Object.entries(ScalarType).map(([name, code]) => [code, name]));

export function isScalarType(code: number): code is ScalarType {
  return NAMES.has(code);
}

export function scalarTypeName(code: number): string {
  return NAMES.get(code) ?? `UNKNOWN(${code})`;
}

/** Bytes per element; throws for codes that are not in the schema. */
export function elementSize(code: ScalarType): number {
  const size = ELEMENT_SIZE[code];
  if (size === undefined) throw new RangeError(`no element size for scalar type ${code}`);
  return size;
}

/** torch's dtype spelling (`torch.float32`), used in diagnostics and JSON configs. */
const TORCH_NAMES: Partial<Record<ScalarType, string>> = {
  [ScalarType.BYTE]: 'uint8',
  [ScalarType.CHAR]: 'int8',
  [ScalarType.SHORT]: 'int16',
  [ScalarType.INT]: 'int32',
  [ScalarType.LONG]: 'int64',
  [ScalarType.HALF]: 'float16',
  [ScalarType.FLOAT]: 'float32',
  [ScalarType.DOUBLE]: 'float64',
  [ScalarType.BOOL]: 'bool',
  [ScalarType.BFLOAT16]: 'bfloat16',
  [ScalarType.UINT16]: 'uint16',
  [ScalarType.UINT32]: 'uint32',
  [ScalarType.UINT64]: 'uint64',
};

export function torchDtypeName(code: ScalarType): string {
  return TORCH_NAMES[code] ?? scalarTypeName(code).toLowerCase();
}

export function isFloatingType(code: ScalarType): boolean {
  return code === ScalarType.FLOAT || code === ScalarType.DOUBLE || code === ScalarType.HALF || code === ScalarType.BFLOAT16;
}

export function isIntegralType(code: ScalarType, includeBool: boolean): boolean {
  switch (code) {
    case ScalarType.BYTE:
    case ScalarType.CHAR:
    case ScalarType.SHORT:
    case ScalarType.INT:
    case ScalarType.LONG:
    case ScalarType.UINT16:
    case ScalarType.UINT32:
    case ScalarType.UINT64:
      return true;
    case ScalarType.BOOL:
      return includeBool;
    default:
      return false;
  }
}
