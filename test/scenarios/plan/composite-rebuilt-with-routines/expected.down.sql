-- undo create function made(x integer)
DROP FUNCTION public.made(x integer);

-- undo alter type pair
DROP PROCEDURE public.use_pair(IN p pair);
DROP FUNCTION public.label_of(x integer);
DROP FUNCTION public.first_of(h holder);
DROP FUNCTION public.count_pairs(p pair[]);
DROP TYPE public.holder;
DROP TYPE public.pair;
CREATE TYPE public.pair AS (a integer, b text);
CREATE TYPE public.holder AS (p public.pair, label text);
CREATE FUNCTION public.count_pairs(p pair[]) RETURNS integer LANGUAGE sql
AS $body$SELECT cardinality(p)$body$;
CREATE FUNCTION public.first_of(h holder) RETURNS integer LANGUAGE sql
RETURN ((h).p).a;
CREATE FUNCTION public.label_of(x integer) RETURNS integer LANGUAGE sql
RETURN first_of(ROW(ROW(x, 'q')::pair, 'l')::holder);
CREATE PROCEDURE public.use_pair(IN p pair) LANGUAGE plpgsql
AS $body$BEGIN END$body$;

-- undo drop function gone(h holder)
CREATE FUNCTION public.gone(h holder) RETURNS text LANGUAGE sql
AS $body$SELECT (h).label$body$;
