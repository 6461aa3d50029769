/**
 * A fixed subset of the shared conformance corpus (sqldef + migra), proven in PGlite on every test run so a
 * regression of the migration engine shows up here; `npm run conformance` runs the whole corpus.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCases } from '../../src/conformance/index.js';
import { resettableDb, type ResettableDb } from '../../src/conformance/pool.js';
import { runCase, type Case } from '../../src/conformance/run.js';
import { freshPglite, extensionsInSql } from '../../src/pg/pglite.js';
import { introspect } from '../../src/pg/introspect/index.js';

const CORPUS = '/work/shared/conformance';
const SQLDEF = [
  'tests_comments/CommentOnConstraint',
  'tests_comments/DropTableWithIndexComment',
  'tests_constraints/ExcludeConstraintWithGist',
  'tests_constraints/RemoveForeignKeyConstraint',
  'tests_datatypes/DropNotNullConstraint',
  'tests_datatypes/SerialToBigserial',
  'tests_dependency_ordering/CrossSchemaDependency_ViewChainAcrossThreeSchemas',
  'tests_dependency_ordering/FunctionBeforeTable_GeneratedColumn',
  'tests_domains/CreateDomainCheckAndNotNull',
  'tests_extensions/DropExtension',
  'tests_fk_deps/DropTableWithSelfReferencingForeignKey',
  'tests_functions/CreateFunctionWithMultipleAttributes',
  'tests_identity/RemoveIdentityFromColumn',
  'tests_indices/RenameIndexInTable',
  'tests_indices/IndexWithMultipleOpClasses',
  'tests_partition/PartitionByRangeMultipleColumns',
  'tests_partition/PartitionOfDefault',
  'tests_policies/CreatePolicyWithRowLevelSecurity',
  'tests_preserve_quotes/DropCheckConstraintQuotedMixedCaseName',
  'tests_rename/RenameColumnWithSpecialChars',
  'tests_rename/RenameTableAndMultipleChanges',
  'tests_schemas/CreateSchemasWithDomains',
  'tests_tables/CreateTableInNonPublicSchema',
  'tests_triggers/ModifyTrigger',
  'tests_types/ChangeColumnTypeFromTextWithDefaultToEnum',
  'tests_types/RenameEnumTypeWithValueRenameAndAddValue',
  'tests_types/RenameEnumValue',
  'tests_views/ViewWithGroupByAndHaving',
];
const MIGRA = [
  'constraints',
  'dependencies',
  'dependencies2',
  'enumdeps',
  'enumdefaults',
  'generated',
  'identitycols',
  'inherit',
  'partitioning',
  'rls',
  'seq',
  'triggers',
];

const present = existsSync(`${CORPUS}/sqldef.jsonl`) && existsSync(`${CORPUS}/migra.jsonl`);

describe.skipIf(!present && !process.env.CI)('conformance subset', () => {
  let cases: Case[] = [];
  let dbs: ResettableDb;
  beforeAll(async () => {
    const all = [...(await readCases(`${CORPUS}/sqldef.jsonl`)), ...(await readCases(`${CORPUS}/migra.jsonl`))];
    const byId = new Map(all.map((c) => [c.id, c]));
    cases = [...SQLDEF, ...MIGRA].map((id) => {
      const c = byId.get(id);
      if (!c) throw new Error(`case ${id} is not in the corpus`);
      return c;
    });
    const extensions = [...new Set(cases.flatMap((c) => extensionsInSql(`${c.pre ?? ''}\n${c.a}\n${c.b}`)))];
    dbs = resettableDb(() => freshPglite({ extensions }));
  });
  afterAll(async () => {
    await dbs?.close();
  });

  for (const id of [...SQLDEF, ...MIGRA]) {
    it(
      id,
      async () => {
        const c = cases.find((x) => x.id === id)!;
        const r = await runCase(dbs, c, introspect);
        expect({ up: r.up, down: r.down, message: r.message }).toEqual({ up: 'pass', down: 'pass', message: '' });
      },
      60_000,
    );
  }
});
