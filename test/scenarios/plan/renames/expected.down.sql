-- undo rename constraint users.people_pkey to users_pkey
ALTER TABLE public.users RENAME CONSTRAINT users_pkey TO people_pkey;

-- undo rename constraint users.people_email_key to users_email_uniq
ALTER TABLE public.users RENAME CONSTRAINT users_email_uniq TO people_email_key;

-- undo rename index people_nick_idx to users_nickname_idx
ALTER INDEX public.users_nickname_idx RENAME TO people_nick_idx;

-- undo rename column users.nick to nickname
ALTER TABLE public.users RENAME COLUMN nickname TO nick;

-- undo rename table people to users
ALTER TABLE public.users RENAME TO people;
