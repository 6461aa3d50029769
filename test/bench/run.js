#!/usr/bin/env node
// `npm run bench`: wall-clock figures for the bars in the issues, measured on generated 1000-table schemas.
// Runs against the built package (dist/) and the real CLI (bin/run.js). Prints a table and writes .bench/results.json.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'bin', 'run.js');
const dist = (p) => import(join(root, 'dist', p));
const TABLES = Number(process.env.BENCH_TABLES ?? 1000);
const results = [];
// The references ("PGlite's own time", in this process) run PGlite as it runs by default (V8 tiers its hot
// WebAssembly up); the CLI runs as it ships (src/proc.ts baselineWasmOnly). Set before dist/ loads.
const cliEnv = { ...process.env, NO_COLOR: '1' };
process.env.SCHEMAVER_WASM_TIERUP = '1';

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function record(name, ms, bar, note = '') {
  const ok = bar === undefined ? '' : ms <= bar ? 'ok' : 'OVER';
  results.push({ name, ms: Math.round(ms * 10) / 10, bar, ok, note });
  const barText = bar === undefined ? '' : `(bar ${bar} ms) ${ok}`;
  console.log(`${name.padEnd(58)} ${String(Math.round(ms)).padStart(7)} ms  ${barText} ${note}`);
}

function skip(name, err) {
  results.push({ name, ms: null, note: String(err?.message ?? err).split('\n')[0] });
  console.log(`${name.padEnd(58)}     n/a  ${String(err?.message ?? err).split('\n')[0]}`);
}

/**
 * run runs the CLI in `cwd` and returns its wall time (`ms`); with `cpu`, also the CPU time of the whole process, all
 * its threads (`cpuMs`, process.cpuUsage() as it exits, written by a module it imports first): on a machine other
 * work shares, CPU is the figure that compares old with new and with a reference.
 */
function run(cwd, args, { expect = [0], env = {}, cpu = false } = {}) {
  const cpuFile = cpu ? join(work, `cpu-${process.pid}-${performance.now()}.txt`) : undefined;
  const pre = cpuFile ? ['--import', pathToFileURL(cpuHook()).href] : [];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...pre, cli, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...cliEnv, ...env, ...(cpuFile ? { BENCH_CPU_FILE: cpuFile } : {}) },
  });
  const ms = performance.now() - t0;
  if (!expect.includes(r.status))
    throw new Error(
      `schemaver ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(0, 3).join(' | ')}`,
    );
  const cpuMs = cpuFile ? Number(readFileSync(cpuFile, 'utf8')) : undefined;
  if (cpuFile) rmSync(cpuFile, { force: true });
  return { ms, cpuMs, ...r };
}

/** cpuHook is the module run({ cpu }) has the CLI import first: its main thread writes the process's CPU milliseconds to BENCH_CPU_FILE as it exits. */
function cpuHook() {
  const file = join(work, 'cpu-hook.mjs');
  if (!existsSync(file))
    writeFileSync(
      file,
      "import { writeFileSync } from 'node:fs';\nimport { isMainThread } from 'node:worker_threads';\nconst out = process.env.BENCH_CPU_FILE;\nif (out && isMainThread) process.on('exit', () => { const u = process.cpuUsage(); writeFileSync(out, String((u.user + u.system) / 1000)); });\n",
    );
  return file;
}

/** cpuNow is this process's CPU milliseconds so far, all threads (for a reference's CPU beside its wall time). */
function cpuNow() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function timeIt(fn, reps = 5) {
  await fn(); // warm-up
  const xs = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

function writeProject(dir, files) {
  for (const f of files) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.text);
  }
}

async function section(name, fn) {
  const only = process.env.BENCH_ONLY; // e.g. BENCH_ONLY=validation runs that section (and generate) alone
  if (only && name !== 'generate' && !name.includes(only)) return;
  try {
    await fn();
  } catch (e) {
    skip(name, e);
  }
}

console.log(`schemaver bench — ${TABLES} generated tables, node ${process.version}, ${new Date().toISOString()}\n`);

// Machine reference: the same fixed work on every machine (integer arithmetic in a JIT-compiled loop), so
// figures from different machines can be compared. Lower is faster.
function reference() {
  const t0 = performance.now();
  let x = 0;
  for (let i = 0; i < 2e8; i++) x = (Math.imul(x, 31) + i) | 0;
  return { ms: performance.now() - t0, x };
}
reference();
record('machine reference: 2e8 multiply-adds in a JS loop', median([reference().ms, reference().ms, reference().ms]));
const work = mkdtempSync(join(tmpdir(), 'schemaver-bench-'));
// the CLI's warm prover (src/pg/proverd.ts) lives in a runtime dir of the bench's own: none from before is used,
// and the one the commits start is stopped at the end. It is off except where a section compares with and without
// it: a prover started in the background by one section's commit would take CPU from the next section's reference.
cliEnv.SCHEMAVER_RUNTIME_DIR = join(work, 'run');
cliEnv.SCHEMAVER_PROVER = '0';
mkdirSync(cliEnv.SCHEMAVER_RUNTIME_DIR, { mode: 0o700 });

await section('schemaver --help', async () => {
  run(root, ['--help']);
  const xs = [];
  for (let i = 0; i < 5; i++) xs.push(run(root, ['--help']).ms);
  record('schemaver --help (process wall, median of 5)', median(xs), 300);
});

let gen, A;
await section('generate', async () => {
  gen = await import(new URL('../../build/tools/generate.js', import.meta.url).href);
  A = gen.generateSchema(TABLES, 1);
});

await section(`commit ${TABLES} tables --no-verify`, async () => {
  const { writeSchemaYaml } = await dist('yaml/index.js');
  const dir = join(work, 'commit');
  mkdirSync(dir);
  run(dir, ['init']);
  rmSync(join(dir, 'schema'), { recursive: true, force: true });
  writeProject(dir, writeSchemaYaml(A));
  record(
    `commit of ${TABLES}-table schema, --no-verify (CLI wall)`,
    run(dir, ['commit', '-m', 'initial', '--no-verify']).ms,
    1000,
  );
  const xs = [];
  for (let i = 0; i < 3; i++) xs.push(run(dir, ['status']).ms);
  record(`status on ${TABLES}-table schema (CLI wall, median of 3)`, median(xs), 500);
});

await section(`commit ${TABLES} tables with verification`, async () => {
  const { writeSchemaYaml } = await dist('yaml/index.js');
  const dir = join(work, 'commit-verify');
  mkdirSync(dir);
  run(dir, ['init']);
  rmSync(join(dir, 'schema'), { recursive: true, force: true });
  writeProject(dir, writeSchemaYaml(A));
  const { ms: initial, cpuMs: initialCpu } = run(dir, ['commit', '-m', 'initial'], { cpu: true });
  // PGlite's own time for that edge: a fresh database (compiled and restored once before, as the worker has it),
  // the up script, the down script, both as the proof runs them (execBatched: batches of statements)
  const { planMigration, renderUp, renderDown } = await dist('plan/index.js');
  const { emptySchema } = await dist('model/types.js');
  const { freshPglite } = await dist('pg/index.js');
  const { execBatched } = await dist('pg/batch.js');
  const root0 = planMigration(emptySchema(), A);
  const [up, down] = [renderUp(root0), renderDown(root0)];
  await (await freshPglite()).close();
  const t0 = performance.now();
  const c0 = cpuNow();
  const db = await freshPglite();
  try {
    await execBatched(db, up);
    await execBatched(db, down);
  } finally {
    await db.close();
  }
  const own = performance.now() - t0;
  const ownCpu = cpuNow() - c0;
  record(`PGlite's own time: restore + up + down of ${TABLES} tables`, own);
  record(
    `initial commit of ${TABLES}-table schema, verified (CLI wall)`,
    initial,
    Math.round(1.3 * own),
    `${(initial / own).toFixed(2)}x PGlite's own`,
  );
  // the same two in CPU time, every thread of each process (the CLI's includes starting node, parsing and planning)
  record(`PGlite's own CPU: restore + up + down of ${TABLES} tables`, ownCpu);
  record(
    `initial commit of ${TABLES}-table schema, verified (CLI CPU)`,
    initialCpu,
    undefined,
    `${(initialCpu / ownCpu).toFixed(2)}x PGlite's own CPU`,
  );
  const B = gen.mutateSchema(A, 10, 7);
  rmSync(join(dir, 'schema'), { recursive: true, force: true });
  writeProject(dir, writeSchemaYaml(B));
  record(
    'commit of a 10-change edge, verified (CLI wall)',
    run(dir, ['commit', '-m', 'ten changes', '--allow-destructive']).ms,
  );
});

await section('plan', async () => {
  const { planMigration, renderUp, renderDown } = await dist('plan/index.js');
  const B = gen.mutateSchema(A, 300, 3);
  let steps = 0;
  const ms = await timeIt(() => {
    const p = planMigration(A, B);
    steps = p.steps.length;
    renderUp(p);
    renderDown(p);
  });
  record(`plan + render, ${TABLES} tables, ~300 changes (in-process)`, ms, 150, `${steps} steps`);
});

await section('verify', async () => {
  const { planMigration, renderUp, renderDown } = await dist('plan/index.js');
  const { verifyEdge } = await dist('pg/index.js');
  const B = gen.mutateSchema(A, 10, 5);
  const p = planMigration(A, B);
  const t0 = performance.now();
  const r = await verifyEdge(A, B, renderUp(p), renderDown(p));
  record(
    `verify a 10-change edge on ${TABLES} tables (in-process)`,
    performance.now() - t0,
    2500,
    r.ok ? 'verified' : `NOT OK: ${r.problems.slice(0, 2).join('; ')}`,
  );
});

await section('merge', async () => {
  const { merge3 } = await dist('merge/index.js');
  const ours = gen.mutateSchema(A, 50, 11);
  const theirs = gen.mutateSchema(A, 50, 12);
  let conflicts = 0;
  const ms = await timeIt(() => {
    conflicts = merge3(A, ours, theirs).conflicts.length;
  });
  record(`merge3 of two ${TABLES}-table branches, 50 changes each`, ms, 1000, `${conflicts} conflicts`);
});

await section('parse+hash', async () => {
  const { writeSchemaYaml } = await dist('yaml/index.js');
  const { parseSchemaFiles } = await dist('parse/index.js');
  const { schemaHash } = await dist('canon/index.js');
  const files = writeSchemaYaml(A);
  const ms = await timeIt(() => {
    const r = parseSchemaFiles(files);
    schemaHash(r.schema);
  });
  record(`parse + hash ${TABLES}-table YAML (in-process)`, ms, 300);
});

await section('embedded database: current, history, no-op upgrade, check', async () => {
  // The example project (5 tables), upgraded once; each read-only command beside `status` on the same project
  // (`check` after a first one, which reads the catalog and keeps it: a check of an unchanged database).
  const dir = join(work, 'embedded');
  mkdirSync(dir);
  cpSync(join(root, 'schema'), join(dir, 'schema'), { recursive: true });
  cpSync(join(root, '.schemaver'), join(dir, '.schemaver'), {
    recursive: true,
    filter: (p) => !p.startsWith(join(root, '.schemaver', 'local')),
  });
  run(dir, ['upgrade']);
  run(dir, ['check']);
  const times = (args) => {
    const rs = [0, 1, 2].map(() => run(dir, args, { cpu: true }));
    return { ms: median(rs.map((r) => r.ms)), cpu: median(rs.map((r) => r.cpuMs)) };
  };
  const status = times(['status']);
  record(
    'status on the example project (CLI wall, median of 3)',
    status.ms,
    undefined,
    `CPU ${Math.round(status.cpu)} ms`,
  );
  for (const args of [['current'], ['history'], ['upgrade'], ['check']]) {
    const { ms, cpu } = times(args);
    const name = `${args[0] === 'upgrade' ? 'no-op upgrade' : args[0]} on the embedded database (CLI wall, median of 3)`;
    record(name, ms, Math.round(3 * status.ms), `${(ms / status.ms).toFixed(2)}x status, CPU ${Math.round(cpu)} ms`);
  }
});

await section('validation', async () => {
  // issue 12's bar: status on a 300-table schema with semantic validation, under 1 s (a benchmark, not a test)
  const { writeSchemaYaml } = await dist('yaml/index.js');
  const files = writeSchemaYaml(gen.generateSchema(300, 2));
  const dir = join(work, 'validate');
  mkdirSync(dir);
  run(dir, ['init']);
  rmSync(join(dir, 'schema'), { recursive: true, force: true });
  writeProject(dir, files);
  run(dir, ['commit', '-m', 'initial', '--no-verify']);
  const xs = [];
  for (let i = 0; i < 3; i++) {
    writeFileSync(join(dir, files[0].path), files[0].text + `# edit ${i}\n`); // a text edit: status parses again
    xs.push(run(dir, ['status']).ms);
  }
  record('status on 300-table schema after an edit: parse + validation (CLI wall, median of 3)', median(xs), 1000);
  // a model edit: a column no expression names (normalisation answered by object, no PGlite), then a check (one table built)
  const edited = (i, tail) =>
    files[0].text.replace(/^(tables:\n  [^\n]+:\n    columns:\n)/m, `$1      bench_col_${i}: text\n`) + tail;
  const cols = [0, 1, 2].map((i) => (writeFileSync(join(dir, files[0].path), edited(i, '')), run(dir, ['status']).ms));
  record('status on 300-table schema after a 1-column edit (CLI wall, median of 3)', median(cols), 1000);
  const checks = [0, 1, 2].map((i) => {
    writeFileSync(join(dir, files[0].path), edited(9, '').replace(/check: ([a-z0-9_]+) >= 0/, `check: $1 >= ${i + 1}`));
    return run(dir, ['status']).ms;
  });
  record(
    'status on 300-table schema after a check edit (CLI wall, median of 3)',
    median(checks),
    undefined,
    'one table built in PGlite',
  );
  // the bar itself: six typos over both files, each a new text (a first status after the edit), exit 2 naming all six
  const typoRuns = [0, 1, 2].map((i) => {
    const typos = withTypos(files, i);
    writeProject(dir, typos.files);
    const r = run(dir, ['status'], { expect: [2] });
    const missing = typos.expect.filter((e) => !reportsAt(r.stderr, e));
    if (missing.length) throw new Error(`status does not report ${missing.map((e) => e.what).join(', ')}`);
    return r.ms;
  });
  writeProject(dir, files);
  record(
    'status on 300-table schema with six typos: exit 2, all located (CLI wall, median of 3)',
    median(typoRuns),
    1000,
  );
  const helps = [0, 1, 2].map(() => run(root, ['--help']).ms);
  record('  reference: schemaver --help in this section (process wall, median of 3)', median(helps));
  // the same work split, each in a fresh process as the CLI does it: parsing, then validation (libpg-query included)
  const script = `const d = ${JSON.stringify(join(root, 'dist'))};
    const { readSchemaDir, parseSchemaFiles } = await import(d + '/parse/index.js');
    const files = await readSchemaDir(${JSON.stringify(dir)});
    let t = performance.now(); const p = parseSchemaFiles(files); const parse = performance.now() - t;
    const { validateSchema } = await import(d + '/validate/index.js');
    const tm = {}; t = performance.now(); await validateSchema(p.schema, p.sql, { timings: tm });
    console.log(JSON.stringify({ parse, validate: performance.now() - t, load: tm.sqlParserLoad ?? 0, texts: p.sql.length }));`;
  const runs = [0, 1, 2].map(() =>
    JSON.parse(spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).stdout),
  );
  const m = (k) => median(runs.map((r) => r[k]));
  record('  of which parsing (fresh process, median of 3)', m('parse'));
  record(
    '  of which validation (fresh process, median of 3)',
    m('validate'),
    undefined,
    `${runs[0].texts} SQL texts; libpg-query load ${Math.round(m('load'))} ms of it`,
  );
});

/**
 * withTypos writes issue 12's typos into a generated schema's files, three per file (`run` varies the SQL texts, so each
 * status meets texts it has not parsed before), and says where each must be reported.
 */
function withTypos(files, run) {
  const out = files.map((f) => ({ ...f }));
  const expect = [];
  const typo = (fi, what, re, to, token) => {
    const f = out[fi];
    const m = re.exec(f.text);
    if (!m) throw new Error(`the generated schema has no place for ${what}`);
    const line = m[0].replace(re, to);
    f.text = f.text.slice(0, m.index) + line + f.text.slice(m.index + m[0].length);
    expect.push({ what, file: f.path, line: f.text.slice(0, m.index).split('\n').length, token });
  };
  typo(0, 'type: integr', /^( {6}\w+: )integer$/m, '$1{ type: integr }', 'integr');
  typo(
    0,
    'default: abc on a numeric column',
    /^( {6}\w+: )numeric\(12,2\)$/m,
    '$1{ type: "numeric(12,2)", default: abc }',
    'abc',
  );
  typo(0, 'check: "agee > 0"', /^( {6}(\w+): \{ type: integer, check: )\2 >= 0 \}$/m, `$1"agee > ${run}" }`, 'agee');
  typo(
    1,
    'a view selecting a missing column',
    /^( {4}query: SELECT id, )created_at FROM/m,
    `$1created_att, ${run} AS n FROM`,
    'created_att',
  );
  typo(1, 'type: 12', /^( {6}\w+: )bigint$/m, '$1{ type: 12 }', '12');
  typo(1, 'an undeclared enum type', /^( {6}\w+: )date$/m, '$1{ type: order_mood }', 'order_mood');
  return { files: out, expect };
}

/** reportsAt tells whether status's stderr holds an error naming `e.token` located at e's file and line (any column). */
function reportsAt(stderr, e) {
  return stderr.split(/\n(?=error)/).some((block) => {
    const loc = /^ {2}--> (\S+):(\d+):(\d+)$/m.exec(block);
    return (
      /^error\[[a-z-]+\]/.test(block) &&
      block.split('\n')[0].includes(e.token) &&
      loc?.[1] === e.file &&
      Number(loc[2]) === e.line &&
      Number(loc[3]) > 0
    );
  });
}

/** withColumn adds one nullable text column to the first table of a schema (a 1-column change). */
function withColumn(schema, name) {
  const [id, t] = Object.entries(schema.tables)[0];
  const col = { kind: 'column', name, type: 'text', nullable: true };
  return { ...schema, tables: { ...schema.tables, [id]: { ...t, columns: [...t.columns, col] } } };
}

for (const n of [5, TABLES]) {
  await section(`verified 1-column commit, ${n} tables`, async () => {
    const { writeSchemaYaml } = await dist('yaml/index.js');
    const { planMigration, renderUp, renderDown } = await dist('plan/index.js');
    const { freshPglite, buildInto, introspect } = await dist('pg/index.js');
    const { EPHEMERAL_CONF, pgliteWasm } = await dist('pg/pglite.js');
    const { fsBundle } = await dist('pg/datadir.js');
    const { PGlite } = await import('@electric-sql/pglite');
    const base = gen.generateSchema(n, 11);
    const one = withColumn(base, 'bench_note');
    const two = withColumn(one, 'bench_note2');
    // PGlite's own work for the second edge: restore the source from its image (a dumped data directory), run up,
    // read the catalog, run down, read it again
    const p = planMigration(one, two);
    const src = await freshPglite(); // compiled once, as the verification worker has it compiled
    let image;
    try {
      await buildInto(src, one);
      await src.exec('CHECKPOINT');
      image = await (await src.pglite.dumpDataDir('none')).arrayBuffer();
    } finally {
      await src.close();
    }
    // the WebAssembly compiled once and PGlite's file bundle read once, as the verification worker has them, and the
    // median of 3 runs: the reference is PostgreSQL's steady work and PGlite's own restore, not the one-time cost of a
    // first instance in this process (V8 optimising PGlite's hot functions and PGlite's own loader: ~0.5 s here)
    const shared = { pgliteWasmModule: await pgliteWasm(), fsBundle: fsBundle() };
    const owns = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const pg = await PGlite.create({
        loadDataDir: new Blob([image]),
        postgresqlconf: [...EPHEMERAL_CONF],
        ...shared,
      }); // the proof's settings
      const db = {
        query: async (q, v) => (await pg.query(q, v)).rows,
        exec: (q) => pg.exec(q),
        label: 'bench',
        kind: 'pglite',
      };
      try {
        await db.exec(renderUp(p));
        await introspect(db, { unsupported: false });
        await db.exec(renderDown(p));
        await introspect(db, { unsupported: false });
        owns.push(performance.now() - t0);
      } finally {
        await pg.close();
      }
    }
    const own = median(owns);
    // the same three commits with no prover (each command starts its own worker: a cold machine, CI) and with it
    // (the root commit finds none and starts it in the background; the later ones ask it)
    const commits = (name, env) => {
      const dir = join(work, `one-column-${n}-${name}`);
      mkdirSync(dir);
      run(dir, ['init']);
      const commit = (S, msg) => {
        rmSync(join(dir, 'schema'), { recursive: true, force: true });
        writeProject(dir, writeSchemaYaml(S));
        return run(dir, ['commit', '-m', msg], { env }).ms;
      };
      return [commit(base, 'base'), commit(one, 'one column'), commit(two, 'another column')];
    };
    const [, coldFirst, cold] = commits('cold', { SCHEMAVER_PROVER: '0' });
    const [, first, second] = commits('warm', { SCHEMAVER_PROVER: '1' });
    run(work, ['prover', 'stop']);
    record(`PGlite's own time: restore image + up + catalog + down + catalog (median of 3)`, own);
    record(
      `verified 1-column commit, ${n} tables, after a root commit, no prover`,
      coldFirst,
      undefined,
      `${(coldFirst / own).toFixed(2)}x PGlite's own`,
    );
    record(
      `verified 1-column commit, ${n} tables, after a verified edge, no prover`,
      cold,
      undefined,
      `${(cold / own).toFixed(2)}x PGlite's own`,
    );
    record(
      `verified 1-column commit, ${n} tables, after a root commit`,
      first,
      undefined,
      `${(first / own).toFixed(2)}x PGlite's own (prover starting)`,
    );
    record(
      `verified 1-column commit, ${n} tables, after a verified edge`,
      second,
      Math.round(1.5 * own),
      `${(second / own).toFixed(2)}x PGlite's own (warm prover)`,
    );
  });
}

// Server figures: need the PostgreSQL server (SCHEMAVER_TEST_DATABASE_URL, default the local one).
const serverUrl = process.env.SCHEMAVER_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
async function withServerDbs(names, fn) {
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const urls = names.map((x) => {
    const u = new URL(serverUrl);
    u.pathname = `/${x}`;
    return u.toString();
  });
  try {
    for (const x of names)
      await admin.query(`DROP DATABASE IF EXISTS ${x}`).then(() => admin.query(`CREATE DATABASE ${x}`));
    return await fn(urls, pg);
  } finally {
    for (const x of names) await admin.query(`DROP DATABASE IF EXISTS ${x} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}

await section('check of a 300-table schema on the server', async () => {
  const { writeSchemaYaml } = await dist('yaml/index.js');
  const S = gen.generateSchema(300, 5);
  await withServerDbs([`sv_bench_check_${process.pid}`], async ([url]) => {
    const dir = join(work, 'check-300');
    mkdirSync(dir);
    run(dir, ['init']);
    rmSync(join(dir, 'schema'), { recursive: true, force: true });
    writeProject(dir, writeSchemaYaml(S));
    run(dir, ['commit', '-m', 'base', '--no-verify']);
    run(dir, ['upgrade', '--url', url]);
    const imp = join(work, 'import-300');
    mkdirSync(imp);
    run(imp, ['init']);
    const importMs = median([0, 1, 2].map(() => run(imp, ['import', '--url', url, '--force']).ms));
    const first = run(dir, ['check', '--url', url]).ms;
    const checkMs = median([0, 1, 2].map(() => run(dir, ['check', '--url', url]).ms));
    record('import --url of that database (CLI wall, median of 3)', importMs);
    record('check --url, first run (builds the expected side)', first);
    record(
      'check --url, 300 tables (CLI wall, median of 3)',
      checkMs,
      Math.round(1.5 * importMs),
      `${(checkMs / importMs).toFixed(2)}x import`,
    );
  });
});

await section(`plan of two ${TABLES}-table schemas vs migra`, async () => {
  const { writeSchemaYaml } = await dist('yaml/index.js');
  const { planMigration, renderUp } = await dist('plan/index.js');
  const { emptySchema } = await dist('model/types.js');
  const B = gen.mutateSchema(A, 460, 9);
  const dir = join(work, 'plan-pair');
  mkdirSync(dir);
  run(dir, ['init']);
  for (const [msg, S] of [
    ['a', A],
    ['b', B],
  ]) {
    rmSync(join(dir, 'schema'), { recursive: true, force: true });
    writeProject(dir, writeSchemaYaml(S));
    run(dir, ['commit', '-m', msg, '--no-verify', '--allow-destructive']);
  }
  const ours = median([0, 1, 2].map(() => run(dir, ['plan', 'HEAD~1', 'HEAD']).ms));
  record(`schemaver plan, ${TABLES} tables (process wall, median of 3)`, ours);
  const migra = join(root, 'node_modules', '@pgkit', 'migra', 'dist', 'command.js');
  await withServerDbs([`sv_bench_a_${process.pid}`, `sv_bench_b_${process.pid}`], async ([ua, ub], pg) => {
    for (const [url, S] of [
      [ua, A],
      [ub, B],
    ]) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(renderUp(planMigration(emptySchema(), S)));
      await c.end();
    }
    const xs = [0, 1, 2].map(() => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [migra, 'run', ua, ub, '--unsafe'], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      if (r.status !== 0 && r.status !== 2)
        throw new Error(`migra exited ${r.status}: ${(r.stderr || '').split('\n')[0]}`);
      return performance.now() - t0;
    });
    const theirs = median(xs);
    record(
      `migra on the same pair (live databases, process wall)`,
      theirs,
      undefined,
      `schemaver ${(theirs / ours).toFixed(1)}x faster (bar 10x)`,
    );
  });
});

run(work, ['prover', 'stop']); // any prover a section started
rmSync(work, { recursive: true, force: true });
mkdirSync(join(root, '.bench'), { recursive: true });
writeFileSync(
  join(root, '.bench', 'results.json'),
  JSON.stringify({ when: new Date().toISOString(), tables: TABLES, results }, null, 2),
);
console.log(`\nwritten .bench/results.json`);
