-- undo attach partition loose
ALTER TABLE public.m DETACH PARTITION public.loose;

-- undo detach partition m1
ALTER TABLE public.m ATTACH PARTITION public.m1 FOR VALUES IN (1);
