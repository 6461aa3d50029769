import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { workTreeOf } from '../gitint/git.js';
import { installGit } from '../gitint/install.js';
import { SCHEMA_DIR, STORE_DIR, initStore, listSchemaFiles } from '../store/index.js';

/** InitResult is what `init --json` prints. */
export interface InitResult {
  readonly root: string;
  readonly store: string;
  readonly branch: string;
  readonly created: string[];
  readonly gitignore: string;
}

/** STARTER is the commented first schema file `init` writes. */
const STARTER = `# yaml-language-server: $schema=../schemaver.schema.json
#
# Your PostgreSQL schema, declared. schemaver reads every *.yaml / *.yml file below schema/;
# split it over as many files as you like. Then:
#   schemaver status                 what changed since the last commit
#   schemaver diff                   the same, attribute by attribute (--sql for the migration)
#   schemaver commit -m "add users"  snapshot it, with a verified up/down migration
#
# An example to start from (uncomment it):
#
# tables:
#   users:
#     comment: People who can sign in
#     columns:
#       id: { type: bigint, identity: always, primary_key: true }
#       email: { type: text, nullable: false, unique: true }
#       name: text
#       created_at: { type: timestamptz, nullable: false, default: { sql: now() } }
`;

/** Init creates the schemaver store and a starter schema/ directory. */
export default class Init extends BaseCommand {
  static override summary = 'Create a schemaver project: the .schemaver/ store and a starter schema/ directory.';
  static override description = `Creates .schemaver/ (a bare git repository; HEAD -> refs/heads/main) and schema/ with a commented starter file, unless schema/ already holds YAML files. Refuses (exit 2) when .schemaver/ exists.

The local PGlite database that upgrade uses by default lives in .schemaver/local/; it is not part of the store and is ignored through .schemaver/.gitignore. Commit schema/ and .schemaver/ to your app repository.`;

  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init -C ./db',
    '<%= config.bin %> init --branch trunk',
  ];

  static override flags = {
    branch: Flags.string({ summary: 'Name of the first branch.', default: 'main', helpValue: 'NAME' }),
    git: Flags.boolean({
      summary: 'Inside a git work tree: also run `schemaver git install` (merge drivers, hooks, attributes).',
    }),
  };

  async run(): Promise<InitResult> {
    const { flags } = await this.parse(Init);
    const root = this.root;
    await initStore(root, { branch: flags.branch });
    const created: string[] = [`${STORE_DIR}/`];
    if ((await listSchemaFiles(root)).length === 0) {
      await mkdir(join(root, SCHEMA_DIR), { recursive: true });
      await writeFile(join(root, SCHEMA_DIR, 'schema.yaml'), STARTER, { flag: 'wx' }).then(
        () => created.push(`${SCHEMA_DIR}/schema.yaml`),
        () => undefined,
      );
    }
    // The starter's `$schema` comment points at ../schemaver.schema.json: ship a copy when the package has one.
    const pkgSchema = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemaver.schema.json');
    const target = join(root, 'schemaver.schema.json');
    if (existsSync(pkgSchema) && !existsSync(target)) {
      await copyFile(pkgSchema, target);
      created.push('schemaver.schema.json');
    }
    const gitignore = `${STORE_DIR}/local/`;
    const where = relative(process.cwd(), root) || '.';
    this.print(`Initialized empty schemaver store in ${join(where, STORE_DIR)}/ (branch ${flags.branch})`);
    for (const c of created.slice(1)) this.print(`created ${c}`);
    this.print(
      `The local database (${gitignore}) is ignored by ${STORE_DIR}/.gitignore; if your app repository ignores`,
    );
    this.print(`differently, add this line to its .gitignore:  ${gitignore}`);
    if (workTreeOf(root)) {
      if (flags.git) {
        await installGit(root);
        this.print(
          "git integration installed: git's merges and checkouts now carry the schema (see `schemaver help git install`)",
        );
      } else
        this.print(
          "This is a git work tree: `schemaver git install` (or `init --git`) lets git's merges, pulls and checkouts carry the schema.",
        );
    }
    this.print('Next: edit schema/*.yaml, then `schemaver status` and `schemaver commit -m "..."`.');
    return { root, store: join(root, STORE_DIR), branch: flags.branch, created, gitignore };
  }
}
