-- undo alter column t.amount (type)
ALTER TABLE public.t ALTER COLUMN amount TYPE integer USING amount::integer;

-- undo alter column t.created (default)
ALTER TABLE public.t ALTER COLUMN created DROP DEFAULT;

-- undo alter column t.flag (default, nullable)
ALTER TABLE public.t ALTER COLUMN flag DROP NOT NULL;
ALTER TABLE public.t ALTER COLUMN flag SET DEFAULT false;

-- undo alter column t.note (default)
ALTER TABLE public.t ALTER COLUMN note SET DEFAULT 'n/a';

-- undo alter column t.name (default, nullable, type)
ALTER TABLE public.t ALTER COLUMN name DROP DEFAULT;
ALTER TABLE public.t ALTER COLUMN name TYPE character varying(10);
ALTER TABLE public.t ALTER COLUMN name DROP NOT NULL;

-- undo alter column t.id (type)
ALTER TABLE public.t ALTER COLUMN id TYPE integer USING id::integer;
