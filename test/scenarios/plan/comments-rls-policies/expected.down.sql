-- undo comment on table docs
COMMENT ON TABLE public.docs IS 'Documents';

-- undo create policy docs_owner on docs
DROP POLICY docs_owner ON public.docs;

-- undo create policy docs_insert on docs
DROP POLICY docs_insert ON public.docs;

-- undo alter column docs.owner (comment)
COMMENT ON COLUMN public.docs.owner IS NULL;

-- undo alter column docs.id (comment)
COMMENT ON COLUMN public.docs.id IS 'the id';

-- undo enable row level security on docs
ALTER TABLE public.docs DISABLE ROW LEVEL SECURITY;

-- undo force row level security on docs
ALTER TABLE public.docs NO FORCE ROW LEVEL SECURITY;
