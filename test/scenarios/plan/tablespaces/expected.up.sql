-- drop materialized view daily
DROP MATERIALIZED VIEW public.daily;

-- drop index events_at_idx on events
DROP INDEX public.events_at_idx;

-- drop index events_id_idx on events
DROP INDEX public.events_id_idx;

-- create table logs
CREATE TABLE public.logs (
  line text
) TABLESPACE archive;

-- move table events to tablespace fast
ALTER TABLE public.events SET TABLESPACE fast;

-- create index events_at_idx on events
CREATE INDEX events_at_idx ON public.events (at);

-- create index events_id_idx on events
CREATE INDEX events_id_idx ON public.events (id) TABLESPACE archive;

-- create materialized view daily
CREATE MATERIALIZED VIEW public.daily TABLESPACE fast AS
SELECT id FROM events;
