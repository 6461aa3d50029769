-- drop function gone(h holder)
DROP FUNCTION public.gone(h holder);

-- alter type pair
DROP FUNCTION public.label_of(x integer);
ALTER TYPE public.pair ADD ATTRIBUTE c boolean;
CREATE FUNCTION public.label_of(x integer) RETURNS integer LANGUAGE sql
RETURN first_of(ROW(ROW(x, 'q', true)::pair, 'l')::holder);

-- create function made(x integer)
CREATE FUNCTION public.made(x integer) RETURNS pair LANGUAGE sql
AS $body$SELECT (x, 'm', false)::pair$body$;
