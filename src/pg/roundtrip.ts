/**
 * Import round trip: DDL -> PGlite -> introspect -> YAML -> parse -> build from nothing -> introspect must give the
 * same model. This is the proof that `import` loses nothing: what it cannot express it names (not supported).
 * One PGlite instance serves many cases: each step runs inside a transaction that is rolled back.
 */
import type { Schema } from '../model/types.js';
import type { SourceFile } from '../parse/index.js';
import type { Driver } from './driver.js';
import { creationScript, dbMessage } from './build.js';
import { compareSchemas } from './compare.js';
import { introspect } from './introspect/index.js';
import { extensionsInSql, freshPglite } from './pglite.js';

/** RoundTripOutcome is the result of one case: pass, a named unsupported object, or a failure with its cause. */
export interface RoundTripOutcome {
  readonly status: 'pass' | 'unsupported' | 'fail';
  /** stage: where a failure happened (load, yaml, parse, build, compare). */
  readonly stage?: 'load' | 'yaml' | 'parse' | 'build' | 'compare';
  readonly problems: readonly string[];
  readonly ms: number;
}

/** RoundTripDeps are the other modules the round trip goes through (injected so src/pg does not import src/yaml). */
export interface RoundTripDeps {
  readonly writeSchemaYaml: (schema: Schema) => SourceFile[];
  readonly parseSchemaFiles: (files: readonly SourceFile[]) => {
    schema?: Schema;
    issues: readonly { message: string }[];
  };
}

const TX_CONTROL = /\b(begin|commit|rollback|savepoint|end\s+transaction|start\s+transaction)\b/i;

/** inRolledBackTx runs fn inside BEGIN ... ROLLBACK on db (state from `pre` and the case never leaks to the next case). */
async function inRolledBackTx<T>(db: Driver, fn: () => Promise<T>): Promise<T> {
  await db.exec('BEGIN');
  try {
    return await fn();
  } finally {
    await db.exec('ROLLBACK').catch(() => {});
  }
}

/** RoundTripper proves import round trips on one reusable PGlite (call close() when done). */
export class RoundTripper {
  private db: Driver | undefined;
  constructor(
    private readonly deps: RoundTripDeps,
    private readonly extensions: readonly string[],
  ) {}

  private async instance(): Promise<Driver> {
    this.db ??= await freshPglite({ extensions: this.extensions });
    return this.db;
  }

  /** close releases the PGlite instance. */
  async close(): Promise<void> {
    await this.db?.close();
    this.db = undefined;
  }

  /** run proves one case: `pre` (roles...) then the DDL `sql`. */
  async run(sql: string, pre = ''): Promise<RoundTripOutcome> {
    const t0 = Date.now();
    const own =
      TX_CONTROL.test(sql) || TX_CONTROL.test(pre)
        ? await freshPglite({ extensions: extensionsInSql(pre + '\n' + sql) })
        : undefined;
    const db = own ?? (await this.instance());
    const done = (o: Omit<RoundTripOutcome, 'ms'>): RoundTripOutcome => ({ ...o, ms: Date.now() - t0 });
    const step = own ? <T>(fn: () => Promise<T>) => fn() : <T>(fn: () => Promise<T>) => inRolledBackTx(db, fn);
    try {
      let first;
      try {
        first = await step(async () => {
          if (pre.trim()) await db.exec(pre);
          if (sql.trim()) await db.exec(sql);
          return introspect(db);
        });
      } catch (e) {
        return done({ status: 'fail', stage: 'load', problems: [`the DDL does not load: ${dbMessage(e)}`] });
      }
      if (first.unsupported.length)
        return done({ status: 'unsupported', problems: first.unsupported.map((i) => i.message) });
      let files: SourceFile[];
      try {
        files = this.deps.writeSchemaYaml(first.schema);
      } catch (e) {
        return done({ status: 'fail', stage: 'yaml', problems: [`writing YAML failed: ${(e as Error).message}`] });
      }
      const parsed = this.deps.parseSchemaFiles(files);
      if (!parsed.schema)
        return done({
          status: 'fail',
          stage: 'parse',
          problems: parsed.issues.map((i) => `the written YAML does not parse: ${i.message}`),
        });
      const declared = parsed.schema;
      if (own) {
        // the DDL managed its own transactions: rebuild in a second fresh instance
        await own.close();
      }
      const db2 = own ? await freshPglite({ extensions: extensionsInSql(pre + '\n' + sql) }) : db;
      try {
        let second: Schema;
        try {
          second = await (
            own ? (fn: () => Promise<Schema>) => fn() : (fn: () => Promise<Schema>) => inRolledBackTx(db2, fn)
          )(async () => {
            if (pre.trim()) await db2.exec(pre);
            const script = creationScript(declared);
            if (script.trim()) await db2.exec(script);
            return (await introspect(db2)).schema;
          });
        } catch (e) {
          return done({
            status: 'fail',
            stage: 'build',
            problems: [`the imported schema does not build: ${dbMessage(e)}`],
          });
        }
        const diff = compareSchemas(first.schema, second);
        return done(
          diff.length ? { status: 'fail', stage: 'compare', problems: diff } : { status: 'pass', problems: [] },
        );
      } finally {
        if (own) await db2.close();
      }
    } finally {
      if (own) await own.close().catch(() => {});
    }
  }
}
