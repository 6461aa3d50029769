-- drop policy accounts_valid on accounts
DROP POLICY accounts_valid ON public.accounts;

-- drop default of accounts.code (its function is re-created)
ALTER TABLE public.accounts ALTER COLUMN code DROP DEFAULT;

-- drop check accounts_code_valid on accounts
ALTER TABLE public.accounts DROP CONSTRAINT accounts_code_valid;

-- drop index accounts_valid_idx on accounts
DROP INDEX public.accounts_valid_idx;

-- recreate function is_valid_code(c text)
DROP FUNCTION public.is_valid_code(c text);
CREATE FUNCTION public.is_valid_code(c text) RETURNS integer LANGUAGE sql IMMUTABLE
AS $body$SELECT CASE WHEN length(c) = 32 THEN 1 ELSE 0 END$body$;

-- recreate function new_code()
DROP FUNCTION public.new_code();
CREATE FUNCTION public.new_code() RETURNS character varying LANGUAGE sql
AS $body$SELECT md5(random()::text)::varchar$body$;

-- set default of accounts.code
ALTER TABLE public.accounts ALTER COLUMN code SET DEFAULT new_code();

-- add check accounts_code_valid on accounts
ALTER TABLE public.accounts ADD CONSTRAINT accounts_code_valid CHECK (is_valid_code(code) = 1);

-- create index accounts_valid_idx on accounts
CREATE INDEX accounts_valid_idx ON public.accounts (id) WHERE (is_valid_code(code) = 1);

-- create policy accounts_valid on accounts
CREATE POLICY accounts_valid ON public.accounts AS PERMISSIVE FOR SELECT TO PUBLIC USING (is_valid_code(code) = 1);
