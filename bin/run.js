#!/usr/bin/env node
// schemaver CLI entry: handles `-C DIR` before oclif loads, and renders every failure oclif does not
// (unknown command, bad directory) the way commands do: `error[CODE]` on stderr, or JSON with --json.

// A reader that stops early (`schemaver log | head -1`) closes the pipe: that is not a failure, end quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err?.code === 'EPIPE') process.exit(stream === process.stdout ? 0 : (process.exitCode ?? 0));
    throw err;
  });
}

/** redact hides passwords in a message (dist/redact.js; identity when the build is missing). */
const redact = await import('../dist/redact.js').then(
  (m) => {
    m.rememberProcessSecrets(process.argv);
    return m.redact;
  },
  () => (s) => s,
);

// DEBUG=* makes oclif print its argv (a --url with its password): every trace line goes through redact too.
if (process.env.DEBUG) {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk, ...rest) => write(typeof chunk === 'string' ? redact(chunk) : chunk, ...rest);
}

const argv = process.argv.slice(2);
const json = argv.includes('--json') && (argv.indexOf('--') === -1 || argv.indexOf('--json') < argv.indexOf('--'));

function fail(code, rawMessage, hint, exit) {
  const message = redact(rawMessage);
  if (json) process.stdout.write(JSON.stringify({ error: { code, message, hint } }, null, 2) + '\n');
  else process.stderr.write(`error[${code}]: ${message}\n  = hint: ${hint}\n`);
  process.exit(exit);
}

const args = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--') {
    args.push(...argv.slice(i));
    break;
  }
  let dir;
  if ((a === '-C' || a === '--cwd') && i + 1 < argv.length) dir = argv[++i];
  else if (a.startsWith('--cwd=')) dir = a.slice(6);
  else if (a.startsWith('-C') && a.length > 2) dir = a.slice(2);
  else args.push(a);
  if (dir !== undefined) {
    try {
      process.chdir(dir);
    } catch {
      fail('bad-directory', `cannot change to directory '${dir}'`, '-C takes an existing directory', 2);
    }
  }
}

// `schemaver --help` off a terminal is the same text for a build, Node version and platform: printed as oclif printed
// it at build time (dist/cli/help.json, tools/manifest.mjs) without loading oclif, unless something could change it
// (a terminal's width or colour, oclif's settings, DEBUG) or the build has none; so is `--version` (-v), which oclif
// answers whatever follows it
const versionAsked = args[0] === '--version' || args[0] === '-v';
if (
  ((args.length === 1 && (args[0] === '--help' || args[0] === '-h' || args[0] === 'help')) || versionAsked) &&
  !process.stdout.isTTY &&
  process.env.SCHEMAVER_FAST !== '0' &&
  !process.env.DEBUG &&
  !Object.keys(process.env).some(
    (k) => k.startsWith('OCLIF_') || k === 'FORCE_COLOR' || k.startsWith('SCHEMAVER_DEBUG'),
  )
) {
  const { readFileSync } = await import('node:fs');
  let help;
  try {
    help = JSON.parse(readFileSync(new URL('../dist/cli/help.json', import.meta.url), 'utf8'));
  } catch {
    help = undefined;
  }
  const text = versionAsked ? help?.version : help?.text;
  if (
    typeof text === 'string' &&
    help.node === process.version &&
    help.platform === process.platform &&
    help.arch === process.arch
  ) {
    await new Promise(() => process.stdout.write(text, () => process.exit(0)));
  }
}

// `commit` proves its migration on a worker thread: started before oclif and the command's modules load, the
// worker loads and PGlite starts on the other core meanwhile (the command takes it: dist/pg/offload.js); not for a
// run its arguments already end before any proof (no message, a flag oclif refuses: dist/cli/fastflags.js)
if (args[0] === 'commit' && !args.some((a) => a === '--no-verify' || a === '--help' || a === '-h' || a === '--')) {
  // its first database sized by schema/'s YAML (a big schema's needs the big lock table: not restored twice)
  await Promise.all([
    import('../dist/pg/offload.js'),
    import('../dist/store/root.js'),
    import('../dist/cli/fastflags.js'),
  ]).then(
    ([m, r, f]) => {
      const spec = f.readSpecs()?.commit;
      if (!spec || f.commitMayProve(args.slice(1), spec)) m.startEarlyVerifier(r.findProjectRoot());
    },
    () => undefined,
  );
}

// `plan` lints its script on a worker that loads and warms the SQL parser meanwhile: started here, before oclif and
// the command's modules load, it is ready when the script is (the command takes it: dist/lint/offload.js)
if (args[0] === 'plan' && !args.some((a) => a === '--help' || a === '-h' || a === '--')) {
  await import('../dist/lint/offload.js').then(
    (m) => m.startEarlyLint(),
    () => undefined,
  );
}

// hot verbs (commit, status, current, plan) and the git hooks run without oclif when their flags and arguments parse
// exactly as oclif parses them: the same command body and output code, ~0.15-0.2 s of CPU less (dist/cli/fast.js);
// anything else runs on oclif below (FAST_VERBS there; the list here keeps every other command from loading it)
const FAST = [
  'commit',
  'status',
  'current',
  'plan',
  'git pre-merge-commit',
  'git post-merge',
  'git post-checkout',
  'git merge-schema',
];
const fast = FAST.includes(args[0] === 'git' ? `git ${args[1]}` : args[0])
  ? await import('../dist/cli/fast.js').then(
      (m) => m.runFast(args),
      () => undefined,
    )
  : undefined;
if (fast !== undefined && fast !== 0) {
  // as after oclif's ExitError: the output written, the exit code the failure's
  await new Promise((resolve) => {
    if (process.stdout.write('')) resolve(undefined);
    else process.stdout.once('drain', resolve);
  });
  process.exit(fast);
}

if (fast === undefined) {
  // oclif's parts, not its index: the index also loads what only some commands use (help, ux, semver for its node check)
  const [{ run }, { flush }, Errors] = await Promise.all([
    import('@oclif/core/run'),
    import('@oclif/core/flush'),
    import('@oclif/core/errors'),
  ]);

  try {
    await run(args, import.meta.url);
    await flush();
  } catch (err) {
    // a usage error before `plan` took its early lint worker: let it end by itself first (dist/lint/offload.js)
    if (args[0] === 'plan')
      await import('../dist/lint/offload.js').then(
        (m) => m.closeEarlyLint(),
        () => undefined,
      );
    if (err instanceof Errors.ExitError || err?.code === 'EEXIT') {
      await flush().catch(() => {});
      process.exit(err.oclif?.exit ?? 0);
    }
    // failures before a command runs: an unknown command, a broken installation
    const message = String(err?.message ?? err)
      .split('\n')[0]
      .replace(/^\s*›?\s*Error:\s*/, '');
    const unknown = /command .* not found/i.test(message);
    const extra = unknown ? await extraArgument(args).catch(() => undefined) : undefined;
    if (extra) fail('bad-usage', extra.message, extra.hint, 2);
    fail(
      unknown ? 'unknown-command' : 'bad-usage',
      message,
      unknown
        ? ((await suggestCommand(args).catch(() => undefined)) ?? "run 'schemaver help' to see the commands")
        : 'run the command with --help to see its flags and arguments',
      2,
    );
  }
}

/**
 * extraArgument: oclif reads `schemaver import dump.sql` as a command `import:dump.sql` it cannot find. When the first
 * word is a command that takes no such argument, say so, and name the flag that takes a file when the command has one
 * (`import --sql dump.sql`).
 */
async function extraArgument(words) {
  const { Config } = await import('@oclif/core');
  const config = await Config.load(import.meta.url);
  const typed = words.filter((w) => !w.startsWith('-'));
  const cmd = typed.length > 1 ? config.findCommand(typed[0]) : undefined;
  if (!cmd) return undefined;
  const arg = typed[1];
  const file = /\.sql$/i.test(arg) && cmd.flags?.sql ? 'sql' : undefined;
  return {
    message: `\`schemaver ${cmd.id}\` takes no argument \`${arg}\``,
    hint: file
      ? `to read a DDL file, pass it with --${file}: schemaver ${cmd.id} --${file} ${arg}`
      : `run 'schemaver ${cmd.id} --help' to see its flags and arguments`,
  };
}

/** suggestCommand names the command closest to the mistyped first words (`stauts` -> `status`). */
async function suggestCommand(words) {
  const { Config } = await import('@oclif/core');
  const { didYouMean } = await import('../dist/suggest.js');
  const config = await Config.load(import.meta.url);
  const ids = config.commands.map((c) => c.id.replace(/:/g, ' '));
  const typed = words.filter((w) => !w.startsWith('-'));
  const two = typed.slice(0, 2).join(' ');
  const hint = (typed.length > 1 && didYouMean(two, ids)) || didYouMean(typed[0] ?? '', ids);
  return hint ? `${hint} (run 'schemaver help' to see the commands)` : undefined;
}
