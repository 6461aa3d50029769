-- create table fresh
CREATE TABLE public.fresh (
  id bigint NOT NULL,
  CONSTRAINT fresh_pkey PRIMARY KEY (id)
);
ALTER TABLE public.fresh SET (autovacuum_enabled = 'false');
ALTER TABLE public.fresh REPLICA IDENTITY USING INDEX fresh_pkey;

-- set storage parameters of table events
ALTER TABLE public.events RESET (autovacuum_vacuum_scale_factor);
ALTER TABLE public.events SET (fillfactor = '80', toast.autovacuum_enabled = 'false');

-- set unlogged audit
ALTER TABLE public.audit SET UNLOGGED;

-- set replica identity of table audit
ALTER TABLE public.audit REPLICA IDENTITY USING INDEX audit_id_key;

-- set replica identity of table events
ALTER TABLE public.events REPLICA IDENTITY FULL;

-- set replica identity of table logs
ALTER TABLE public.logs REPLICA IDENTITY NOTHING;
