-- undo add foreign key posts_author_id_fkey on posts
ALTER TABLE public.posts DROP CONSTRAINT posts_author_id_fkey;

-- undo add column posts.author_id
ALTER TABLE public.posts DROP COLUMN author_id;

-- undo create table users
DROP TABLE public.users;
