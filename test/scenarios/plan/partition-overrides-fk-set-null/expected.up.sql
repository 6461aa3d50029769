-- drop foreign key posts_author_fkey on posts
ALTER TABLE public.posts DROP CONSTRAINT posts_author_fkey;

-- create table events_b
CREATE TABLE public.events_b PARTITION OF public.events (
  note WITH OPTIONS NOT NULL
) FOR VALUES IN ('b');

-- reset partition column events_a.note
ALTER TABLE public.events_a ALTER COLUMN note DROP DEFAULT;
ALTER TABLE public.events_a ALTER COLUMN note DROP NOT NULL;

-- set partition column events_a.kind
ALTER TABLE public.events_a ALTER COLUMN kind SET DEFAULT 'a';

-- add foreign key posts_author_fkey on posts
ALTER TABLE public.posts ADD CONSTRAINT posts_author_fkey FOREIGN KEY (tenant_id, author_id) REFERENCES public.users (tenant_id, id) ON DELETE SET NULL (author_id);
