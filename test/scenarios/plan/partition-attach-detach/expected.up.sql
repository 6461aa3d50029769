-- detach partition m1
ALTER TABLE public.m DETACH PARTITION public.m1;

-- attach partition loose
ALTER TABLE public.m ATTACH PARTITION public.loose FOR VALUES IN (2);
