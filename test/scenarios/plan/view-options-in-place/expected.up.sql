-- alter view flagged (options)
ALTER VIEW public.flagged SET (check_option = 'cascaded', security_barrier = 'true');

-- alter materialized view totals (options)
ALTER MATERIALIZED VIEW public.totals RESET (autovacuum_enabled);
ALTER MATERIALIZED VIEW public.totals SET (fillfactor = '70', log_autovacuum_min_duration = '1000');
