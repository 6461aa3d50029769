/** Database entry points: PGlite and server drivers, catalog introspection, build and verification (see src/ARCHITECTURE.md). */
import type { Driver } from './driver.js';

export type { Driver };
export { freshPglite, openPglite, extensionsInSql, initdbImage, imageStats, type PgliteOptions } from './pglite.js';
export { connectUrl } from './server.js';
export { introspect, type IntrospectResult, type IntrospectOptions } from './introspect/index.js';
export { buildSchema, buildInto, creationScript, extensionNames } from './build.js';
export { compareSchemas } from './compare.js';
export { verifyEdge, type VerifyResult, type VerifyOptions, type VerifyData } from './verify.js';
export { edgeKey, isVerified, recordVerified } from './cache.js';
