-- undo recreate enum s (drops "b")
DROP FUNCTION public.pass_s(x s);
DROP FUNCTION public.first_s();
ALTER TYPE public.s RENAME TO s__old;
CREATE TYPE public.s AS ENUM ('a', 'b', 'c');
ALTER TABLE public.t ALTER COLUMN st DROP DEFAULT;
ALTER TABLE public.t ALTER COLUMN st TYPE public.s USING st::text::public.s;
ALTER TABLE public.t ALTER COLUMN st SET DEFAULT 'a';
DROP TYPE public.s__old;
CREATE FUNCTION public.first_s() RETURNS s LANGUAGE plpgsql
AS $body$BEGIN RETURN 'a'; END$body$;
CREATE FUNCTION public.pass_s(x s) RETURNS s LANGUAGE sql
AS $body$SELECT x$body$;
