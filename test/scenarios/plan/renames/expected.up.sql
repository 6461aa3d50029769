-- rename table people to users
ALTER TABLE public.people RENAME TO users;

-- rename column users.nick to nickname
ALTER TABLE public.users RENAME COLUMN nick TO nickname;

-- rename index people_nick_idx to users_nickname_idx
ALTER INDEX public.people_nick_idx RENAME TO users_nickname_idx;

-- rename constraint users.people_email_key to users_email_uniq
ALTER TABLE public.users RENAME CONSTRAINT people_email_key TO users_email_uniq;

-- rename constraint users.people_pkey to users_pkey
ALTER TABLE public.users RENAME CONSTRAINT people_pkey TO users_pkey;
