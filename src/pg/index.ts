/** Database entry points: PGlite and server drivers, catalog introspection, build and verification (see src/ARCHITECTURE.md). */
import type { Driver } from './driver.js';

export type { Driver };
export { freshPglite, openPglite, extensionsInSql, initdbImage, imageStats, type PgliteOptions } from './pglite.js';
export { connectUrl } from './server.js';
export { introspect, type IntrospectResult } from './introspect/index.js';
export { verifyEdge, type VerifyResult } from './verify.js';
