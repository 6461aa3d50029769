/** Representative online edges (issue 12 item 3), shared by the online plan proofs and the squawk comparison. */
import { parseSchemaFiles } from '../../src/parse/index.js';
import type { Schema } from '../../src/model/types.js';

/** schema parses one YAML text. */
export function schema(text: string): Schema {
  const r = parseSchemaFiles([{ path: 'schema/main.yaml', text }]);
  if (!r.schema) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.schema;
}

export const BASE = `
tables:
  teams:
    columns:
      id: { type: bigint, primary_key: true }
  events:
    columns:
      id: bigint
      at: timestamptz
  users:
    columns:
      id: { type: bigint, primary_key: true }
      email: text
      team_id: bigint
      age: int
    indexes:
      users_age_idx: { columns: [age] }
`;

/** EDGES are representative online edges: [name, to YAML, what the online up must say]. */
export const EDGES: readonly (readonly [string, string, readonly RegExp[]])[] = [
  [
    'index',
    BASE.replace(
      'users_age_idx: { columns: [age] }',
      'users_age_idx: { columns: [age] }\n      users_email_idx: { columns: [email], unique: true }',
    ),
    [/DROP INDEX CONCURRENTLY IF EXISTS public\.users_email_idx/, /CREATE UNIQUE INDEX CONCURRENTLY users_email_idx/],
  ],
  [
    'drop index',
    BASE.replace('    indexes:\n      users_age_idx: { columns: [age] }\n', ''),
    [/DROP INDEX CONCURRENTLY IF EXISTS public\.users_age_idx/],
  ],
  [
    'foreign key',
    BASE.replace('team_id: bigint', 'team_id: { type: bigint, references: teams.id }'),
    [/FOREIGN KEY \(team_id\) REFERENCES public\.teams \(id\) NOT VALID/, /VALIDATE CONSTRAINT users_team_id_fkey/],
  ],
  [
    'check',
    BASE + '    checks:\n      age_pos: "age > 0"\n',
    [/CHECK \(age > 0\) NOT VALID/, /VALIDATE CONSTRAINT age_pos/],
  ],
  [
    'not null',
    BASE.replace('age: int', 'age: { type: int, nullable: false }'),
    [/CHECK \(age IS NOT NULL\) NOT VALID/, /VALIDATE CONSTRAINT users_age_nn_check/, /ALTER COLUMN age SET NOT NULL/],
  ],
  [
    'volatile default',
    BASE.replace(
      'age: int',
      'age: int\n      token: { type: uuid, nullable: false, default: { sql: gen_random_uuid() } }',
    ),
    [/ADD COLUMN token uuid;/, /SET DEFAULT gen_random_uuid\(\)/, /DO \$backfill\$/, /ALTER COLUMN token SET NOT NULL/],
  ],
  [
    'identity column',
    BASE.replace('age: int', 'age: int\n      seq_no: { type: int, identity: always }'),
    [
      /CREATE SEQUENCE public\.users_seq_no_online_seq AS integer;/,
      /ADD COLUMN seq_no integer;/,
      /DO \$backfill\$/,
      /ALTER COLUMN seq_no SET NOT NULL/,
      /ALTER COLUMN seq_no ADD GENERATED ALWAYS AS IDENTITY;/,
      /SELECT setval\(pg_get_serial_sequence\('public\.users', 'seq_no'\), last_value, is_called\) FROM public\.users_seq_no_online_seq/,
    ],
  ],
  [
    'unique',
    BASE.replace('email: text', 'email: { type: text, unique: true }'),
    [
      /CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON public\.users \(email\)/,
      /ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key/,
    ],
  ],
  [
    'primary key',
    BASE.replace(
      '      id: bigint\n      at: timestamptz',
      '      id: { type: bigint, primary_key: true }\n      at: timestamptz',
    ),
    [
      /CHECK \(id IS NOT NULL\) NOT VALID/,
      /ALTER COLUMN id SET NOT NULL/,
      /CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON public\.events \(id\)/,
      /ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey/,
    ],
  ],
  [
    'hostile names',
    BASE.replace(
      'age: int',
      'age: int\n      "$backfill$ x\\"y": { type: uuid, default: { sql: gen_random_uuid() } }',
    ).replace(
      'users_age_idx: { columns: [age] }',
      'users_age_idx: { columns: [age] }\n      "odd; DROP TABLE teams; --": { columns: [email] }',
    ),
    [/CREATE INDEX CONCURRENTLY "odd; DROP TABLE teams; --"/, /DO \$backfill1\$/],
  ],
];
