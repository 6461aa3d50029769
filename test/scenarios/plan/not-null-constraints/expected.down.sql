-- undo alter column accounts.plan (notNull)
ALTER TABLE public.accounts ALTER COLUMN plan DROP NOT NULL;
ALTER TABLE public.accounts ADD CONSTRAINT accounts_plan_not_null NOT NULL plan;
COMMENT ON CONSTRAINT accounts_plan_not_null ON public.accounts IS 'every account has a plan';

-- undo alter column accounts.nickname (notNull, nullable)
ALTER TABLE public.accounts ALTER COLUMN nickname DROP NOT NULL;

-- undo alter column accounts.legacy (notNull)
ALTER TABLE public.accounts ALTER CONSTRAINT legacy_set NO INHERIT;
COMMENT ON CONSTRAINT legacy_set ON public.accounts IS 'kept for old clients';

-- undo alter column accounts.region (notNull)
ALTER TABLE public.accounts ALTER COLUMN region DROP NOT NULL;
ALTER TABLE public.accounts ADD CONSTRAINT accounts_region_not_null NOT NULL region NOT VALID;

-- undo alter column accounts.name (notNull)
ALTER TABLE public.accounts RENAME CONSTRAINT accounts_name_present TO accounts_name_required;

-- undo alter column accounts.email (notNull)
ALTER TABLE public.accounts RENAME CONSTRAINT accounts_email_required TO accounts_email_not_null;
