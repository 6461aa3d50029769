-- undo create function all_tv() (typed by view tv)
DROP FUNCTION public.all_tv();

-- undo create view tv
DROP VIEW public.tv;

-- undo create function bump()
DROP PROCEDURE public.bump();

-- undo add column t.n
ALTER TABLE public.t DROP COLUMN n;

-- undo create function add1(x integer)
DROP FUNCTION public.add1(x integer);

-- undo drop function add1(a integer)
CREATE FUNCTION public.add1(a integer) RETURNS integer LANGUAGE sql
AS $body$SELECT a + 1$body$;

-- undo drop view tv
CREATE VIEW public.tv AS
SELECT id, v FROM t;

-- undo drop function all_tv() (typed by view tv, re-created)
CREATE FUNCTION public.all_tv() RETURNS SETOF tv LANGUAGE sql
AS $body$SELECT * FROM tv$body$;
