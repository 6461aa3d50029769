-- alter column accounts.email (notNull)
ALTER TABLE public.accounts ALTER COLUMN email DROP NOT NULL;
ALTER TABLE public.accounts ADD CONSTRAINT accounts_email_required NOT NULL email;

-- alter column accounts.name (notNull)
ALTER TABLE public.accounts RENAME CONSTRAINT accounts_name_required TO accounts_name_present;

-- alter column accounts.region (notNull)
ALTER TABLE public.accounts VALIDATE CONSTRAINT accounts_region_not_null;

-- alter column accounts.legacy (notNull)
ALTER TABLE public.accounts ALTER CONSTRAINT legacy_set INHERIT;
COMMENT ON CONSTRAINT legacy_set ON public.accounts IS 'every client';

-- alter column accounts.nickname (notNull, nullable)
ALTER TABLE public.accounts ADD CONSTRAINT nickname_set NOT NULL nickname NOT VALID;

-- alter column accounts.plan (notNull)
COMMENT ON CONSTRAINT accounts_plan_not_null ON public.accounts IS NULL;
