/** Pinning the session settings generated SQL is written for (src/sql/settings.ts) on a live connection. */
import { envFailure } from '../errors.js';
import { SETTINGS_CHECK_SQL, settingsSql, unpinned } from '../sql/settings.js';
import type { Driver } from './driver.js';

/**
 * pinSettings sets PINNED_SETTINGS on `db` (for the session, or with `local` for the current transaction) and reads
 * them back; a setting that cannot be pinned refuses the connection (exit 3) before any generated SQL runs.
 */
export async function pinSettings(
  db: Pick<Driver, 'exec' | 'query' | 'label'>,
  opts: { local?: boolean } = {},
): Promise<void> {
  let problems: string[];
  try {
    await db.exec(settingsSql(Boolean(opts.local)).join(';\n'));
    problems = unpinned((await db.query<Record<string, unknown>>(SETTINGS_CHECK_SQL))[0]);
  } catch (e) {
    problems = [String((e as Error)?.message ?? e)];
  }
  if (problems.length) {
    throw envFailure(
      'settings-not-pinned',
      `cannot pin the session settings schemaver's SQL is written for on ${db.label}: ${problems.join('; ')}`,
      'schemaver runs SQL only with standard_conforming_strings = on, client_encoding = UTF8, ' +
        'check_function_bodies = on and search_path = public; a connection pooler or proxy that rejects SET ' +
        'needs session pooling (or connect to the server directly)',
      undefined,
      { problems },
    );
  }
}
