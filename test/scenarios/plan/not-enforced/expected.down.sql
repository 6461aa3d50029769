-- undo stop enforcing foreign key members_team_id_fkey on members
ALTER TABLE public.members ALTER CONSTRAINT members_team_id_fkey ENFORCED;

-- undo enforce foreign key members_legacy_fk on members
ALTER TABLE public.members ALTER CONSTRAINT members_legacy_fk NOT ENFORCED;
COMMENT ON CONSTRAINT members_legacy_fk ON public.members IS 'old rows';

-- undo add foreign key members_boss_fk on members
ALTER TABLE public.members DROP CONSTRAINT members_boss_fk;

-- undo add check members_score_positive on members
ALTER TABLE public.members DROP CONSTRAINT members_score_positive;

-- undo add check members_legacy_check on members
ALTER TABLE public.members DROP CONSTRAINT members_legacy_check;

-- undo drop check members_score_positive on members
ALTER TABLE public.members ADD CONSTRAINT members_score_positive CHECK (score > 0);

-- undo drop check members_legacy_check on members
ALTER TABLE public.members ADD CONSTRAINT members_legacy_check CHECK (legacy_team <> 0) NOT ENFORCED;

-- undo drop foreign key members_boss_fk on members
ALTER TABLE public.members ADD CONSTRAINT members_boss_fk FOREIGN KEY (boss_id) REFERENCES public.members (id) NOT VALID;
