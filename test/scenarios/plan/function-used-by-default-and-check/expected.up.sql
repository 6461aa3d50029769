-- create function is_valid_code(c text)
CREATE FUNCTION public.is_valid_code(c text) RETURNS boolean LANGUAGE sql IMMUTABLE
AS $body$SELECT length(c) = 32$body$;

-- create function new_code()
CREATE FUNCTION public.new_code() RETURNS text LANGUAGE sql
AS $body$SELECT md5(random()::text)$body$;

-- alter column accounts.code (default)
ALTER TABLE public.accounts ALTER COLUMN code SET DEFAULT new_code();

-- add check accounts_code_valid on accounts
ALTER TABLE public.accounts ADD CONSTRAINT accounts_code_valid CHECK (is_valid_code(code));
