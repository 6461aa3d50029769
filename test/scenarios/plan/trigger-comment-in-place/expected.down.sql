-- undo comment on trigger t.t_touch
COMMENT ON TRIGGER t_touch ON public.t IS 'old';

-- undo comment on trigger t.t_quiet
COMMENT ON TRIGGER t_quiet ON public.t IS NULL;
