-- alter column t.id (identity)
ALTER TABLE public.t ALTER COLUMN id DROP IDENTITY;

-- alter column t.doubled (generated)
ALTER TABLE public.t ALTER COLUMN doubled DROP EXPRESSION;
