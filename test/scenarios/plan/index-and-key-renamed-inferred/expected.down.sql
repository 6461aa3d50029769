-- undo rename constraint users.users_during_excl to users_no_overlap
ALTER TABLE public.users RENAME CONSTRAINT users_no_overlap TO users_during_excl;

-- undo rename constraint users.users_email_key to users_email_uq
ALTER TABLE public.users RENAME CONSTRAINT users_email_uq TO users_email_key;

-- undo rename constraint users.users_pkey to users_pk
ALTER TABLE public.users RENAME CONSTRAINT users_pk TO users_pkey;

-- undo rename index users_lower_email to users_lower_email_partial
ALTER INDEX public.users_lower_email_partial RENAME TO users_lower_email;

-- undo rename index users_org_idx to idx_users_org
ALTER INDEX public.idx_users_org RENAME TO users_org_idx;
