-- drop trigger t_touch on t
DROP TRIGGER t_touch ON public.t;

-- drop check t_label_check on t
ALTER TABLE public.t DROP CONSTRAINT t_label_check;

-- replace function add_one(x integer)
CREATE OR REPLACE FUNCTION public.add_one(x integer) RETURNS integer LANGUAGE sql IMMUTABLE
AS $body$SELECT x + 100$body$;
COMMENT ON FUNCTION public.add_one(x integer) IS 'adds one (mostly)';

-- create function do_it(IN n integer)
CREATE PROCEDURE public.do_it(IN n integer) LANGUAGE plpgsql
AS $body$BEGIN PERFORM n; END$body$;

-- recreate function label(x integer)
DROP FUNCTION public.label(x integer);
CREATE FUNCTION public.label(x integer) RETURNS character varying LANGUAGE plpgsql
AS $body$BEGIN RETURN 'v=' || x; END$body$;

-- replace function touch()
CREATE OR REPLACE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
AS $body$BEGIN NEW.id = NEW.id; RETURN NEW; END$body$;

-- add check t_label_check on t
ALTER TABLE public.t ADD CONSTRAINT t_label_check CHECK (label(id) <> '');

-- create trigger t_touch on t
CREATE TRIGGER t_touch AFTER INSERT OR UPDATE ON public.t FOR EACH STATEMENT EXECUTE FUNCTION public.touch();
ALTER TABLE public.t DISABLE TRIGGER t_touch;
