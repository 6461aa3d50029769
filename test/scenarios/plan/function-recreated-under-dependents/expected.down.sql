-- undo create policy accounts_valid on accounts
DROP POLICY accounts_valid ON public.accounts;

-- undo create index accounts_valid_idx on accounts
DROP INDEX public.accounts_valid_idx;

-- undo add check accounts_code_valid on accounts
ALTER TABLE public.accounts DROP CONSTRAINT accounts_code_valid;

-- undo set default of accounts.code
ALTER TABLE public.accounts ALTER COLUMN code DROP DEFAULT;

-- undo recreate function new_code()
DROP FUNCTION public.new_code();
CREATE FUNCTION public.new_code() RETURNS text LANGUAGE sql
AS $body$SELECT md5(random()::text)$body$;

-- undo recreate function is_valid_code(c text)
DROP FUNCTION public.is_valid_code(c text);
CREATE FUNCTION public.is_valid_code(c text) RETURNS boolean LANGUAGE sql IMMUTABLE
AS $body$SELECT length(c) = 32$body$;

-- undo drop index accounts_valid_idx on accounts
CREATE INDEX accounts_valid_idx ON public.accounts (id) WHERE (is_valid_code(code));

-- undo drop check accounts_code_valid on accounts
ALTER TABLE public.accounts ADD CONSTRAINT accounts_code_valid CHECK (is_valid_code(code));

-- undo drop default of accounts.code (its function is re-created)
ALTER TABLE public.accounts ALTER COLUMN code SET DEFAULT new_code();

-- undo drop policy accounts_valid on accounts
CREATE POLICY accounts_valid ON public.accounts AS PERMISSIVE FOR SELECT TO PUBLIC USING (is_valid_code(code));
