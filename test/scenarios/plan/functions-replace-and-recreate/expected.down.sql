-- undo create trigger t_touch on t
DROP TRIGGER t_touch ON public.t;

-- undo add check t_label_check on t
ALTER TABLE public.t DROP CONSTRAINT t_label_check;

-- undo replace function touch()
CREATE OR REPLACE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql
AS $body$BEGIN RETURN NEW; END$body$;

-- undo recreate function label(x integer)
DROP FUNCTION public.label(x integer);
CREATE FUNCTION public.label(x integer) RETURNS text LANGUAGE plpgsql
AS $body$BEGIN RETURN 'n=' || x; END$body$;

-- undo create function do_it(IN n integer)
DROP PROCEDURE public.do_it(IN n integer);

-- undo replace function add_one(x integer)
CREATE OR REPLACE FUNCTION public.add_one(x integer) RETURNS integer LANGUAGE sql
AS $body$SELECT x + 1$body$;
COMMENT ON FUNCTION public.add_one(x integer) IS NULL;

-- undo drop check t_label_check on t
ALTER TABLE public.t ADD CONSTRAINT t_label_check CHECK (label(id) <> '');

-- undo drop trigger t_touch on t
CREATE TRIGGER t_touch BEFORE UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION public.touch();
