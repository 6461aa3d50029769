-- rename table people to users
ALTER TABLE public.people RENAME TO users;

-- rename column users.nick to nickname
ALTER TABLE public.users RENAME COLUMN nick TO nickname;

-- rename index people_nick_idx to users_nickname_idx
ALTER INDEX public.people_nick_idx RENAME TO users_nickname_idx;

-- rename constraint users.people_email_key to users_email_uniq
ALTER TABLE public.users RENAME CONSTRAINT people_email_key TO users_email_uniq;

-- drop primary key people_pkey on users
ALTER TABLE public.users DROP CONSTRAINT people_pkey;

-- add primary key users_pkey on users
ALTER TABLE public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
