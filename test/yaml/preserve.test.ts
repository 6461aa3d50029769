/** keepWords: a rewritten YAML file keeps the user's comments, order and spelling wherever the value did not change. */
import { afterAll, describe, expect, it } from 'vitest';
import { parseSchemaFiles } from '../../src/parse/index.js';
import { canonicalJson } from '../../src/canon/canonical.js';
import { graftText, keepWords } from '../../src/yaml/preserve.js';
import { writeSchemaYaml } from '../../src/yaml/index.js';
import { cleanupProjects, schemaFiles, setup } from '../merge/project.js';

const USER = `# Users of the app
tables:
  users: # people who sign in
    columns:
      id: { type: bigint, primary_key: true }   # the key
      email: text # their login
      # shown to others
      name: { type: text, nullable: true }
  # what people buy
  orders:
    columns:
      id: bigint
      total: int # in cents
`;

const parse = (text: string) => {
  const r = parseSchemaFiles([{ path: 'schema/app.yaml', text }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
};

/** written is what the YAML writer makes of `text` once changed by `edit`: the text a merge or import would write. */
const written = (edit: (t: string) => string) =>
  writeSchemaYaml(parse(edit(USER))).find((f) => f.path.endsWith('.yaml'))!.text;

afterAll(cleanupProjects);

describe('keepWords', () => {
  it('keeps every comment and spelling of what did not change when a column is added', () => {
    const after = USER.replace('      total: int # in cents\n', '      total: int # in cents\n      note: text\n');
    const out = keepWords(
      USER,
      written(() => after),
      'schema/app.yaml',
    );
    for (const words of [
      '# Users of the app',
      '# people who sign in',
      '# the key',
      '# their login',
      '# shown to others',
      '# what people buy',
      '# in cents',
    ])
      expect(out).toContain(words);
    expect(out).toContain('total: int'); // the user's spelling, not the writer's
    expect(out.indexOf('users:')).toBeLessThan(out.indexOf('orders:')); // the user's order
    expect(canonicalJson(parse(out))).toBe(canonicalJson(parse(after)));
  });

  it('drops what the change removed and keeps the rest', () => {
    const after = USER.replace('      email: text # their login\n', '');
    const out = keepWords(
      USER,
      written(() => after),
      'schema/app.yaml',
    );
    expect(out).not.toContain('email');
    expect(out).toContain('# the key');
    expect(out).toContain('# in cents');
    expect(canonicalJson(parse(out))).toBe(canonicalJson(parse(after)));
  });

  it('takes the changed value and keeps the line comment on it', () => {
    const after = USER.replace('total: int # in cents', 'total: bigint # in cents');
    const out = keepWords(
      USER,
      written(() => after),
      'schema/app.yaml',
    );
    expect(out).toMatch(/total: bigint\s+# in cents/);
    expect(canonicalJson(parse(out))).toBe(canonicalJson(parse(after)));
  });

  it('never changes the schema: a graft that would read differently gives the writer text back', () => {
    // the user spells a column as a list item the writer writes as a map; the graft cannot read the same
    const user = 'tables:\n  t:\n    columns:\n      - { name: a, type: int } # a\n';
    const after = writeSchemaYaml(parse('tables:\n  t:\n    columns:\n      a: bigint\n'))[0]!.text;
    const out = keepWords(user, after, 'schema/app.yaml');
    expect(canonicalJson(parse(out))).toBe(canonicalJson(parse(after)));
  });

  it('graftText leaves a non-map document alone', () => {
    expect(graftText('- a\n', 'tables: {}\n')).toBeUndefined();
  });
});

describe('schemaver merge keeps the words of a file both sides changed', () => {
  it('a clean merge that rewrites a file keeps its comments', { timeout: 300_000 }, async () => {
    const base = USER;
    const ours = USER.replace('      email: text # their login\n', '      email: text # their login\n      age: int\n');
    const theirs = USER.replace('      total: int # in cents\n', '      total: int # in cents\n      paid: boolean\n');
    const p = await setup(base, ours, theirs);
    const r = await p.run('merge', 'feature', '--no-verify');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const text = schemaFiles(p)
      .map((f) => f.text)
      .join('');
    for (const words of ['# Users of the app', '# people who sign in', '# the key', '# their login', '# in cents'])
      expect(text).toContain(words);
    expect(text).toContain('paid: boolean');
    expect(text).toContain('age: int');
  });
});

describe('import --force keeps the words of the files it replaces', () => {
  it(
    'a re-import after the database gained a column keeps the comments the user added',
    { timeout: 300_000 },
    async () => {
      const { tempProject } = await import('../helpers/cli.js');
      const p = tempProject('sv-keepwords-');
      try {
        await p.run('init');
        const sql = 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n';
        p.write('db.sql', sql);
        const first = await p.run('import', '--sql', 'db.sql', '--force');
        expect(first.code, first.stdout + first.stderr).toBe(0);
        const file = schemaFiles(p).find((f) => f.text.includes('users'))!;
        const annotated = file.text.replace(
          /^(\s+)email:(.*)$/m,
          '$1# how they sign in\n$1email:$2 # unique in practice',
        );
        expect(annotated).not.toBe(file.text);
        p.write(file.path, annotated);
        p.write('db.sql', sql.replace('email text NOT NULL', 'email text NOT NULL, name text'));
        const again = await p.run('import', '--sql', 'db.sql', '--force');
        expect(again.code, again.stdout + again.stderr).toBe(0);
        const text = p.read(file.path);
        expect(text).toContain('# how they sign in');
        expect(text).toContain('# unique in practice');
        expect(text).toMatch(/name:/);
      } finally {
        p.cleanup();
      }
    },
  );
});
