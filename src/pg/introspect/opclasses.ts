/**
 * Catalog reader for operator families and operator classes that no extension owns (definition objects, see
 * src/model/objects.ts), rebuilt the way pg_dump writes them. A family is `CREATE OPERATOR FAMILY` plus one
 * `ALTER OPERATOR FAMILY ... ADD` for its loose members (those no class of it holds); a class always names its family,
 * so the family (made implicitly by a class without FAMILY) is its own object and the class text never depends on
 * how it was first written. Operators and support functions carry their types, which is what makes the text exact.
 */
import { qn, addObject, type ObjectSink } from './objects.js';
import { quoteIdent } from '../../sql/quote.js';
import { type Ctx, rows, commentOf, notExtMember } from './util.js';

interface MemberRow {
  readonly owner: string; // oid of the class (in-class member) or the family (loose member)
  readonly loose: boolean;
  readonly text: string;
}

interface FamilyRow {
  readonly oid: string;
  readonly schema: string;
  readonly name: string;
  readonly am: string;
}

interface ClassRow extends FamilyRow {
  readonly type: string;
  readonly def: boolean;
  readonly fschema: string;
  readonly family: string;
  readonly storage: string | null;
}

/** opRef writes an operator for a member clause: bare when PostgreSQL finds it on the path, else schema.op. */
const opRef = (alias: string) =>
  `(SELECT CASE WHEN x.oprnamespace IN ('pg_catalog'::regnamespace, 'public'::regnamespace) THEN x.oprname::text
      ELSE quote_ident(xn.nspname) || '.' || x.oprname END
    FROM pg_operator x JOIN pg_namespace xn ON xn.oid = x.oprnamespace WHERE x.oid = ${alias})`;

/** familyRef writes an operator family by its qualified name (public and pg_catalog bare). */
const familyRef = (alias: string) =>
  `(SELECT CASE WHEN ff.opfnamespace IN ('pg_catalog'::regnamespace, 'public'::regnamespace) THEN quote_ident(ff.opfname)
      ELSE quote_ident(fn.nspname) || '.' || quote_ident(ff.opfname) END
    FROM pg_opfamily ff JOIN pg_namespace fn ON fn.oid = ff.opfnamespace WHERE ff.oid = ${alias})`;

/** readMembers lists every operator and support function of the user families, each as its member clause. */
async function readMembers(ctx: Ctx, families: string): Promise<MemberRow[]> {
  const owner = (catalog: string, alias: string) => `
    coalesce((SELECT d.refobjid::text FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${alias}.oid
      AND d.refclassid = 'pg_opclass'::regclass LIMIT 1), ${alias === 'o' ? 'o.amopfamily' : 'p.amprocfamily'}::text) AS owner,
    NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${alias}.oid
      AND d.refclassid = 'pg_opclass'::regclass) AS loose`;
  return rows<MemberRow>(
    ctx,
    `SELECT * FROM (
      SELECT ${owner('pg_amop', 'o')}, 1 AS k, o.amopstrategy::int AS n, o.amoplefttype, o.amoprighttype,
        'OPERATOR ' || o.amopstrategy || ' ' || ${opRef('o.amopopr')} || ' (' || format_type(o.amoplefttype, NULL) || ', '
          || format_type(o.amoprighttype, NULL) || ')'
          || CASE WHEN o.amoppurpose = 'o' THEN ' FOR ORDER BY ' || ${familyRef('o.amopsortfamily')} ELSE '' END AS text
      FROM pg_amop o WHERE o.amopfamily = ANY(${families})
      UNION ALL
      SELECT ${owner('pg_amproc', 'p')}, 2, p.amprocnum::int, p.amproclefttype, p.amprocrighttype,
        'FUNCTION ' || p.amprocnum || ' (' || format_type(p.amproclefttype, NULL) || ', '
          || format_type(p.amprocrighttype, NULL) || ') ' || p.amproc::regprocedure::text
      FROM pg_amproc p WHERE p.amprocfamily = ANY(${families})
    ) m ORDER BY owner, k, n, amoplefttype, amoprighttype`,
  );
}

/** readOperatorClasses reads the user operator families and classes into `out`. */
export async function readOperatorClasses(ctx: Ctx, out: ObjectSink): Promise<void> {
  const fams = await rows<FamilyRow>(
    ctx,
    `SELECT f.oid::text AS oid, n.nspname::text AS schema, f.opfname::text AS name, am.amname::text AS am
    FROM pg_opfamily f JOIN pg_namespace n ON n.oid = f.opfnamespace JOIN pg_am am ON am.oid = f.opfmethod
    WHERE f.oid >= 16384 AND f.opfnamespace = ANY(${ctx.nsps}) AND ${notExtMember('pg_opfamily', 'f.oid')}
    ORDER BY 2, 3, 4`,
  );
  if (!fams.length) return;
  const members = await readMembers(ctx, `ARRAY[${fams.map((f) => f.oid).join(', ')}]::oid[]`);
  const of = (oid: string, loose: boolean) =>
    members.filter((m) => m.owner === oid && m.loose === loose).map((m) => m.text);
  for (const f of fams) {
    const name = `${qn(f.schema, f.name)} USING ${quoteIdent(f.am)}`;
    const loose = of(f.oid, true);
    const sql = [`CREATE OPERATOR FAMILY ${name}`];
    if (loose.length) sql.push(`ALTER OPERATOR FAMILY ${name} ADD\n  ${loose.join(',\n  ')}`);
    addObject(out, 'operator family', name, sql, commentOf(ctx, 'pg_opfamily', f.oid));
  }
  const classes = await rows<ClassRow>(
    ctx,
    `SELECT c.oid::text AS oid, n.nspname::text AS schema, c.opcname::text AS name, am.amname::text AS am,
      format_type(c.opcintype, NULL) AS type, c.opcdefault AS def, fn.nspname::text AS fschema, f.opfname::text AS family,
      CASE WHEN c.opckeytype <> 0 THEN format_type(c.opckeytype, NULL) END AS storage
    FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace JOIN pg_am am ON am.oid = c.opcmethod
      JOIN pg_opfamily f ON f.oid = c.opcfamily JOIN pg_namespace fn ON fn.oid = f.opfnamespace
    WHERE c.oid >= 16384 AND c.opcnamespace = ANY(${ctx.nsps}) AND ${notExtMember('pg_opclass', 'c.oid')}
    ORDER BY 2, 3, 4`,
  );
  for (const c of classes) {
    const name = `${qn(c.schema, c.name)} USING ${quoteIdent(c.am)}`;
    const items = [...of(c.oid, false), ...(c.storage ? [`STORAGE ${c.storage}`] : [])];
    // a class with no member at all is not valid SQL: PostgreSQL requires at least one item, so a class whose
    // members all sit in its family says STORAGE of its own type, as pg_dump writes it
    if (items.length === 0) items.push(`STORAGE ${c.type}`);
    const head = `CREATE OPERATOR CLASS ${qn(c.schema, c.name)}${c.def ? ' DEFAULT' : ''} FOR TYPE ${c.type} USING ${quoteIdent(c.am)} FAMILY ${qn(c.fschema, c.family)} AS`;
    addObject(out, 'operator class', name, [`${head}\n  ${items.join(',\n  ')}`], commentOf(ctx, 'pg_opclass', c.oid));
  }
}
