-- undo add check accounts_code_valid on accounts
ALTER TABLE public.accounts DROP CONSTRAINT accounts_code_valid;

-- undo alter column accounts.code (default)
ALTER TABLE public.accounts ALTER COLUMN code DROP DEFAULT;

-- undo create function new_code()
DROP FUNCTION public.new_code();

-- undo create function is_valid_code(c text)
DROP FUNCTION public.is_valid_code(c text);
