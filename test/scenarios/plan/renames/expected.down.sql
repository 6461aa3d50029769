-- undo add primary key users_pkey on users
ALTER TABLE public.users DROP CONSTRAINT users_pkey;

-- undo drop primary key people_pkey on users
ALTER TABLE public.users ADD CONSTRAINT people_pkey PRIMARY KEY (id);

-- undo rename constraint users.people_email_key to users_email_uniq
ALTER TABLE public.users RENAME CONSTRAINT users_email_uniq TO people_email_key;

-- undo rename index people_nick_idx to users_nickname_idx
ALTER INDEX public.users_nickname_idx RENAME TO people_nick_idx;

-- undo rename column users.nick to nickname
ALTER TABLE public.users RENAME COLUMN nickname TO nick;

-- undo rename table people to users
ALTER TABLE public.users RENAME TO people;
