-- undo create materialized view totals
DROP MATERIALIZED VIEW public.totals;

-- undo create view base_ids
DROP VIEW public.base_ids;

-- undo set logged logs
ALTER TABLE public.logs SET UNLOGGED;

-- undo create table child
DROP TABLE public.child;

-- undo drop materialized view totals
CREATE MATERIALIZED VIEW public.totals AS
SELECT count(*) AS n FROM base;
CREATE INDEX totals_n_idx ON public.totals (n);
