-- force row level security on docs
ALTER TABLE public.docs FORCE ROW LEVEL SECURITY;

-- enable row level security on docs
ALTER TABLE public.docs ENABLE ROW LEVEL SECURITY;

-- alter column docs.id (comment)
COMMENT ON COLUMN public.docs.id IS NULL;

-- alter column docs.owner (comment)
COMMENT ON COLUMN public.docs.owner IS 'who owns it';

-- create policy docs_insert on docs
CREATE POLICY docs_insert ON public.docs AS RESTRICTIVE FOR INSERT TO PUBLIC WITH CHECK (owner = current_user);

-- create policy docs_owner on docs
CREATE POLICY docs_owner ON public.docs AS PERMISSIVE FOR SELECT TO PUBLIC USING (owner = current_user);

-- comment on table docs
COMMENT ON TABLE public.docs IS 'Documents; owned by people';
