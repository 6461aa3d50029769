-- rename index users_org_idx to idx_users_org
ALTER INDEX public.users_org_idx RENAME TO idx_users_org;

-- rename index users_lower_email to users_lower_email_partial
ALTER INDEX public.users_lower_email RENAME TO users_lower_email_partial;

-- rename constraint users.users_pkey to users_pk
ALTER TABLE public.users RENAME CONSTRAINT users_pkey TO users_pk;

-- rename constraint users.users_email_key to users_email_uq
ALTER TABLE public.users RENAME CONSTRAINT users_email_key TO users_email_uq;

-- rename constraint users.users_during_excl to users_no_overlap
ALTER TABLE public.users RENAME CONSTRAINT users_during_excl TO users_no_overlap;
