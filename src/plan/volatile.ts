/**
 * Volatile defaults: the one judge of whether a column default calls a volatile function, which makes
 * `ADD COLUMN ... DEFAULT` evaluate it for every existing row and so rewrite the table under an ACCESS EXCLUSIVE lock
 * (a stable or immutable default is stored once in the catalog and costs no rewrite, PostgreSQL 11 and later). The
 * classic plan's hazards (columns.ts addColumn), the online plan (online.ts) and the linter (lint/index.ts, on SQL it
 * did not plan) all ask here.
 */
import type { Func, Schema } from '../model/types.js';
import { lexSql } from '../diff/index.js';

/**
 * VOLATILE_BUILTINS: names of pg_catalog functions returning a value whose every overload PostgreSQL 18 declares
 * volatile, as this query lists them (test/plan/volatile.test.ts runs it in PGlite and compares):
 * `SELECT proname FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace AND prokind = 'f' AND NOT proretset
 * AND prorettype NOT IN ('void'::regtype, 'trigger'::regtype, 'event_trigger'::regtype, 'internal'::regtype) GROUP BY
 * proname HAVING bool_and(provolatile = 'v')`. Stable ones (now(), current_timestamp, txid_current()) are not in it.
 */
export const VOLATILE_BUILTINS: ReadonlySet<string> = new Set(
  `amvalidate array_sample array_shuffle bernoulli binary_upgrade_logical_slot_has_caught_up brin_summarize_new_values
  brin_summarize_range brinhandler bthandler clock_timestamp current_query currtid2 currval cursor_to_xml
  cursor_to_xmlschema gen_random_uuid gin_clean_pending_list ginhandler gisthandler hashhandler heap_tableam_handler
  lastval lo_close lo_creat lo_create lo_export lo_from_bytea lo_get lo_import lo_lseek lo_lseek64 lo_open lo_tell
  lo_tell64 lo_truncate lo_truncate64 lo_unlink loread lowrite nextval pg_advisory_unlock pg_advisory_unlock_shared
  pg_backup_start pg_backup_stop pg_blocking_pids pg_cancel_backend pg_collation_actual_version pg_control_checkpoint
  pg_control_init pg_control_recovery pg_control_system pg_copy_logical_replication_slot
  pg_copy_physical_replication_slot pg_create_logical_replication_slot pg_create_physical_replication_slot
  pg_create_restore_point pg_current_logfile pg_current_wal_flush_lsn pg_current_wal_insert_lsn pg_current_wal_lsn
  pg_database_collation_actual_version pg_database_size pg_export_snapshot pg_get_sequence_data
  pg_get_wal_replay_pause_state pg_get_wal_summarizer_state pg_import_system_collations pg_indexes_size
  pg_is_in_recovery pg_is_wal_replay_paused pg_isolation_test_session_is_blocked pg_jit_available
  pg_last_committed_xact pg_last_wal_receive_lsn pg_last_wal_replay_lsn pg_last_xact_replay_timestamp
  pg_log_backend_memory_contexts pg_log_standby_snapshot pg_logical_emit_message pg_nextoid
  pg_notification_queue_usage pg_promote pg_read_binary_file pg_read_file pg_relation_size pg_reload_conf
  pg_replication_origin_create pg_replication_origin_progress pg_replication_origin_session_is_setup
  pg_replication_origin_session_progress pg_replication_slot_advance pg_restore_attribute_stats
  pg_restore_relation_stats pg_rotate_logfile pg_safe_snapshot_blocking_pids pg_sequence_last_value pg_stat_file
  pg_stat_get_backend_wal pg_stat_get_xact_blocks_fetched pg_stat_get_xact_blocks_hit pg_stat_get_xact_function_calls
  pg_stat_get_xact_function_self_time pg_stat_get_xact_function_total_time pg_stat_get_xact_numscans
  pg_stat_get_xact_tuples_deleted pg_stat_get_xact_tuples_fetched pg_stat_get_xact_tuples_hot_updated
  pg_stat_get_xact_tuples_inserted pg_stat_get_xact_tuples_newpage_updated pg_stat_get_xact_tuples_returned
  pg_stat_get_xact_tuples_updated pg_stat_have_stats pg_switch_wal pg_table_size pg_tablespace_size
  pg_terminate_backend pg_total_relation_size pg_try_advisory_lock pg_try_advisory_lock_shared pg_try_advisory_xact_lock
  pg_try_advisory_xact_lock_shared pg_xact_commit_timestamp pg_xact_commit_timestamp_origin pg_xact_status
  plpgsql_call_handler query_to_xml query_to_xml_and_xmlschema query_to_xmlschema random random_normal set_config
  setval spghandler system timeofday txid_status uuidv4 uuidv7`.split(/\s+/),
);

/**
 * VOLATILE_EXTENSION_FUNCTIONS: the volatile value functions of the contrib extensions defaults use (uuid-ossp,
 * pgcrypto), whichever schema the extension was created in; uuid_generate_v3/v5 are immutable and not here.
 */
export const VOLATILE_EXTENSION_FUNCTIONS: ReadonlySet<string> = new Set([
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'gen_random_bytes',
  'gen_salt',
]);

/**
 * calls lists the functions an expression calls, [schema or undefined, name]: each identifier the SQL lexer
 * (diff/sqltext.ts: names folded as PostgreSQL folds them, string literals, comments and dollar quotes skipped) finds
 * followed by `(`, with the identifier before a `.` in front of it as its schema.
 */
export function calls(expr: string): [string | undefined, string][] {
  const { idents } = lexSql(expr);
  const out: [string | undefined, string][] = [];
  idents.forEach((t, i) => {
    if (!/^\s*\(/.test(expr.slice(t.end))) return;
    const prev = idents[i - 1];
    const qualified = prev && /^\s*\.\s*$/.test(expr.slice(prev.end, t.start));
    out.push([qualified ? prev.name : undefined, t.name]);
  });
  return out;
}

/** isVolatileBuiltin tells whether a call of `name` (qualified by `schema`, if at all) is to a volatile built-in. */
export function isVolatileBuiltin(schema: string | undefined, name: string): boolean {
  return (
    ((schema === undefined || schema === 'pg_catalog') && VOLATILE_BUILTINS.has(name)) ||
    VOLATILE_EXTENSION_FUNCTIONS.has(name)
  );
}

/**
 * inlinedBody is the expression PostgreSQL puts in place of a call of `f` before it judges volatility (inline_function:
 * a SQL function whose body is one `SELECT expression` with no FROM, WHERE or other clause, not SECURITY DEFINER,
 * without SET options, returning one value), or undefined when the call stays a call. A function declared volatile is
 * inlined too: its body's own volatility then decides (`SELECT 7` adds a column without a rewrite; PostgreSQL 15 and
 * 18 alike).
 */
function inlinedBody(f: Func): string | undefined {
  if (f.language.toLowerCase() !== 'sql' || f.securityDefiner || (f.set && Object.keys(f.set).length > 0))
    return undefined;
  if (/^\s*(setof|table)\b/i.test(f.returns)) return undefined;
  const m = /^\s*select\s+([\s\S]*?)\s*;?\s*$/i.exec(f.body);
  if (!m) return undefined;
  const text = m[1]!.replace(/'(?:[^']|'')*'/g, "''");
  return /\b(from|where|group|having|order|limit|offset|union|intersect|except|window|fetch|for)\b|,|\bselect\b/i.test(
    text,
  )
    ? undefined
    : m[1];
}

/**
 * callsVolatile tells whether `expr` (a column default) calls a volatile function: a volatile built-in, or a function
 * of `schema` (the one the column is added in) declared neither stable nor immutable (PostgreSQL's default), unless
 * PostgreSQL inlines it (inlinedBody) into an expression that calls none.
 */
export function callsVolatile(expr: string, schema?: Pick<Schema, 'functions'>, depth = 0): boolean {
  const fns = Object.values(schema?.functions ?? {}).filter((f) => !f.volatility && !f.procedure);
  return calls(expr).some(([sch, name]) => {
    if (isVolatileBuiltin(sch, name)) return true;
    const f = fns.find((g) => g.name === name && (sch === undefined || g.schema === sch));
    if (!f) return false;
    const body = depth < 8 ? inlinedBody(f) : undefined;
    return body === undefined || callsVolatile(body, schema, depth + 1);
  });
}
