-- undo alter materialized view totals (options)
ALTER MATERIALIZED VIEW public.totals RESET (log_autovacuum_min_duration);
ALTER MATERIALIZED VIEW public.totals SET (autovacuum_enabled = 'true', fillfactor = '90');

-- undo alter view flagged (options)
ALTER VIEW public.flagged RESET (security_barrier);
ALTER VIEW public.flagged SET (check_option = 'local');
