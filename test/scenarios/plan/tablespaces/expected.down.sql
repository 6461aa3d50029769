-- undo create materialized view daily
DROP MATERIALIZED VIEW public.daily;

-- undo create index events_id_idx on events
DROP INDEX public.events_id_idx;

-- undo create index events_at_idx on events
DROP INDEX public.events_at_idx;

-- undo move table events to tablespace fast
ALTER TABLE public.events SET TABLESPACE archive;

-- undo create table logs
DROP TABLE public.logs;

-- undo drop index events_id_idx on events
CREATE INDEX events_id_idx ON public.events (id);

-- undo drop index events_at_idx on events
CREATE INDEX events_at_idx ON public.events (at) TABLESPACE fast;

-- undo drop materialized view daily
CREATE MATERIALIZED VIEW public.daily TABLESPACE archive AS
SELECT id FROM events;
