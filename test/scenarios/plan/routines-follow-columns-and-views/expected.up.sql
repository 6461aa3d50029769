-- drop function all_tv() (typed by view tv, re-created)
DROP FUNCTION public.all_tv();

-- drop view tv
DROP VIEW public.tv;

-- drop function add1(a integer)
DROP FUNCTION public.add1(a integer);

-- create function add1(x integer)
CREATE FUNCTION public.add1(x integer) RETURNS integer LANGUAGE sql
AS $body$SELECT x + 1$body$;

-- add column t.n
ALTER TABLE public.t ADD COLUMN n integer;

-- create function bump()
CREATE PROCEDURE public.bump() LANGUAGE sql
AS $body$UPDATE t SET n = n + 1$body$;

-- create view tv
CREATE VIEW public.tv AS
SELECT id, n FROM t;

-- create function all_tv() (typed by view tv)
CREATE FUNCTION public.all_tv() RETURNS SETOF tv LANGUAGE sql
AS $body$SELECT * FROM tv$body$;
