-- alter column t.id (type)
ALTER TABLE public.t ALTER COLUMN id TYPE bigint USING id::bigint;

-- alter column t.name (default, nullable, type)
ALTER TABLE public.t ALTER COLUMN name TYPE character varying(100);
ALTER TABLE public.t ALTER COLUMN name SET NOT NULL;
ALTER TABLE public.t ALTER COLUMN name SET DEFAULT 'it''s';

-- alter column t.note (default)
ALTER TABLE public.t ALTER COLUMN note DROP DEFAULT;

-- alter column t.flag (default, nullable)
ALTER TABLE public.t ALTER COLUMN flag SET NOT NULL;
ALTER TABLE public.t ALTER COLUMN flag SET DEFAULT true;

-- alter column t.created (default)
ALTER TABLE public.t ALTER COLUMN created SET DEFAULT now();

-- alter column t.amount (type)
ALTER TABLE public.t ALTER COLUMN amount TYPE text USING amount::text;
