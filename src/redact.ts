/**
 * The one credential redactor: every message, hint, `--json` error, `--sql` header, label and DEBUG trace that can
 * hold a connection string goes through `redact` before it is shown. Two layers:
 *
 * 1. Shapes: the password of a URL's userinfo (`scheme://user:PASSWORD@host`, up to the last `@` of the URL, so
 *    unencoded `@`, `:`, `/`, `?` and spaces are covered), `?password=` / `&password=` query parameters, and libpq
 *    keyword/value strings (`password=secret`, `password='with space'`, `sslpassword=...`).
 * 2. Values: the literal passwords this process was given (from --url arguments, DATABASE_URL, PGPASSWORD and every
 *    connection string passed to `rememberSecrets`), raw, percent-decoded and JSON-escaped, wherever they appear
 *    (a driver may echo one in a message that has no URL shape at all).
 *
 * Values shorter than MIN_SECRET characters are only masked by shape: replacing `ab` everywhere would mangle text.
 */

/** MIN_SECRET is the shortest password masked by value wherever it appears. */
export const MIN_SECRET = 3;

const MASK = '***';

/**
 * SECRETS names the passwords this thread remembered, on globalThis: shared by every copy of this module a host loads
 * (built and from sources), so a host that runs many commands in one process (the tests' in-process CLI runner,
 * test/helpers/inproc.ts) can forget them before each command, as each command's own process starts with none.
 */
const SECRETS = Symbol.for('schemaver.secrets');
const secrets = ((globalThis as Record<symbol, unknown>)[SECRETS] ??= new Set<string>()) as Set<string>;

/** SCHEME finds the start of every `scheme://`. */
const SCHEME = /[a-z][a-z0-9+.-]*:\/\//gi;

/** maskUrlsInLine masks the userinfo password of every `scheme://user:PASSWORD@` in one line of text. */
function maskUrlsInLine(line: string): string {
  const starts = [...line.matchAll(SCHEME)].map((m) => ({ at: m.index!, body: m.index! + m[0].length }));
  if (!starts.length) return line;
  let out = '';
  let done = 0;
  starts.forEach((s, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]!.at : line.length;
    const seg = line.slice(s.body, end);
    const userEnd = seg.search(/[\s:/?#]/);
    if (userEnd < 0 || seg[userEnd] !== ':') return;
    const atSign = seg.lastIndexOf('@');
    if (atSign <= userEnd) return;
    const from = s.body + userEnd + 1;
    const to = s.body + atSign;
    out += line.slice(done, from) + MASK;
    done = to;
  });
  return out + line.slice(done);
}

/** KEYWORD_PASSWORD matches libpq `password=value` / `password='quoted value'` and URL `?password=` / `&password=`. */
const KEYWORD_PASSWORD = /(\b(?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&#'"\\]+)/gi;

/** maskShapes masks passwords by where they stand (URL userinfo, query parameter, libpq keyword). */
export function maskShapes(text: string): string {
  const lines = text.split('\n').map(maskUrlsInLine).join('\n');
  return lines.replace(KEYWORD_PASSWORD, (_m, key: string) => `${key}${MASK}`);
}

/** forms lists the spellings of a secret that may appear in text: as is, percent-encoded, JSON-escaped. */
function forms(secret: string): string[] {
  const out = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  try {
    out.add(encodeURI(secret));
  } catch {
    /* lone surrogate */
  }
  return [...out].filter((s) => s.length >= MIN_SECRET);
}

/** knownSecrets lists every remembered value plus the current PGPASSWORD, longest first. */
function knownSecrets(): string[] {
  const all = new Set(secrets);
  const env = process.env.PGPASSWORD;
  if (env) all.add(env);
  return [...all].flatMap(forms).sort((a, b) => b.length - a.length);
}

/** redact hides every password in text about to be shown: by shape, then every known secret value wherever it is. */
export function redact(text: string): string {
  let out = maskShapes(text);
  for (const s of knownSecrets()) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

/** redactDeep applies redact to every string inside a JSON-like value (error data, results). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}

/** decode percent-decodes a URL part, leaving it as is when it is not valid percent-encoding. */
function decode(s: string, plus = false): string {
  try {
    return decodeURIComponent(plus ? s.replace(/\+/g, ' ') : s);
  } catch {
    return s;
  }
}

/** secretsOf lists the passwords a connection string carries (URL userinfo, ?password=, libpq password=). */
export function secretsOf(conn: string): string[] {
  const out: string[] = [];
  const m = /^[a-z][a-z0-9+.-]*:\/\/([\s\S]*)$/i.exec(conn.trim());
  if (m) {
    const rest = m[1]!;
    const at = rest.lastIndexOf('@');
    const userEnd = rest.search(/[:/?#]/);
    if (at >= 0 && userEnd >= 0 && rest[userEnd] === ':' && userEnd < at) {
      const raw = rest.slice(userEnd + 1, at);
      out.push(raw, decode(raw));
    }
    for (const q of rest.matchAll(/[?&](?:ssl)?password=([^&#]*)/gi)) out.push(q[1]!, decode(q[1]!, true));
  }
  for (const k of conn.matchAll(/\b(?:ssl)?password\s*=\s*('(?:[^'\\]|\\.)*'|[^\s'&#]+)/gi)) {
    const v = k[1]!;
    out.push(v.startsWith("'") ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v);
  }
  return [...new Set(out)].filter((s) => s.length > 0);
}

/** rememberSecrets makes redact hide the passwords of a connection string wherever they appear from now on. */
export function rememberSecrets(conn: string | undefined): void {
  if (!conn) return;
  for (const s of secretsOf(conn)) secrets.add(s);
}

/** rememberProcessSecrets remembers the passwords of DATABASE_URL and of every argument that holds a connection string. */
export function rememberProcessSecrets(
  argv: readonly string[] = process.argv,
  env: NodeJS.ProcessEnv = process.env,
): void {
  rememberSecrets(env.DATABASE_URL);
  for (const a of argv) if (a.includes('://') || /password\s*=/i.test(a)) rememberSecrets(a.replace(/^--[\w-]+=/, ''));
}

/** connectionLabel writes a connection string for people: the same text with every password masked. */
export function connectionLabel(conn: string): string {
  rememberSecrets(conn);
  return redact(conn);
}
