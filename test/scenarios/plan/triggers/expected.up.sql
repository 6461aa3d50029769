-- create function touch()
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql
AS $body$BEGIN NEW.updated_at = now(); RETURN NEW; END$body$;

-- create trigger t_touch on t
CREATE TRIGGER t_touch BEFORE INSERT OR UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION public.touch();
