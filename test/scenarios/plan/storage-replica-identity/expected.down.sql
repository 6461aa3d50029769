-- undo set replica identity of table logs
ALTER TABLE public.logs REPLICA IDENTITY FULL;

-- undo set replica identity of table events
ALTER TABLE public.events REPLICA IDENTITY DEFAULT;

-- undo set replica identity of table audit
ALTER TABLE public.audit REPLICA IDENTITY DEFAULT;

-- undo set unlogged audit
ALTER TABLE public.audit SET LOGGED;

-- undo set storage parameters of table events
ALTER TABLE public.events RESET (toast.autovacuum_enabled);
ALTER TABLE public.events SET (fillfactor = '70', autovacuum_vacuum_scale_factor = '0.005');

-- undo create table fresh
DROP TABLE public.fresh;
