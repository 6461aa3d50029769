/** Canonical form and schema hash (see src/ARCHITECTURE.md): canonical JSON, `sv1:` hash, type spellings, default names. */
export {
  canonicalize,
  tidySchema,
  canonicalJson,
  schemaHash,
  canonicalObjects,
  stableJson,
  safeFileName,
  canonicalSequenceOptions,
} from './canonical.js';
export {
  normalizeType,
  typeSchema,
  SERIAL_TYPES,
  normalizeFunctionArgs,
  normalizeReturns,
  argTypes,
  normalizeCollation,
  stripTypmod,
  splitTopLevel,
} from './types.js';
export type { FunctionArgs } from './types.js';
export {
  makeObjectName,
  assignDefaultNames,
  indexColumnNames,
  figureColname,
  nameAddition,
  referencedColumns,
  byteLength,
  clipBytes,
  NAMEDATALEN_MAX,
} from './names.js';
export type { NamingTable, NamingDomain, NamingElement } from './names.js';
