-- undo detach partition p2
ALTER TABLE public.p ATTACH PARTITION public.p2 FOR VALUES IN (2);
