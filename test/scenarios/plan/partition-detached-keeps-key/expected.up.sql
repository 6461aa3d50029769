-- detach partition p2
ALTER TABLE public.p DETACH PARTITION public.p2;
