-- undo add foreign key posts_author_fkey on posts
ALTER TABLE public.posts DROP CONSTRAINT posts_author_fkey;

-- undo set partition column events_a.kind
ALTER TABLE public.events_a ALTER COLUMN kind DROP DEFAULT;

-- undo reset partition column events_a.note
ALTER TABLE public.events_a ALTER COLUMN note SET NOT NULL;
ALTER TABLE public.events_a ALTER COLUMN note SET DEFAULT 'n/a';

-- undo create table events_b
DROP TABLE public.events_b;

-- undo drop foreign key posts_author_fkey on posts
ALTER TABLE public.posts ADD CONSTRAINT posts_author_fkey FOREIGN KEY (tenant_id, author_id) REFERENCES public.users (tenant_id, id) ON DELETE CASCADE;
