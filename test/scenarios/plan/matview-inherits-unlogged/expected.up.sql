-- drop materialized view totals
DROP MATERIALIZED VIEW public.totals;

-- create table child
CREATE TABLE public.child (
  extra text
) INHERITS (public.base);

-- set logged logs
ALTER TABLE public.logs SET LOGGED;

-- create view base_ids
CREATE VIEW public.base_ids WITH (security_barrier = 'true') AS
SELECT id FROM base;

-- create materialized view totals
CREATE MATERIALIZED VIEW public.totals AS
SELECT count(*) AS n, max(id) AS top FROM base;
CREATE UNIQUE INDEX totals_n_idx ON public.totals (n);
COMMENT ON MATERIALIZED VIEW public.totals IS 'counted';
