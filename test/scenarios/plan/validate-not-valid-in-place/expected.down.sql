-- undo validate foreign key kids_parent_fk on kids
ALTER TABLE public.kids DROP CONSTRAINT kids_parent_fk;
ALTER TABLE public.kids ADD CONSTRAINT kids_parent_fk FOREIGN KEY (parent_id) REFERENCES public.parents (id) NOT VALID;

-- undo validate check kids_name_check on kids
ALTER TABLE public.kids DROP CONSTRAINT kids_name_check;
ALTER TABLE public.kids ADD CONSTRAINT kids_name_check CHECK (length(name) > 1) NOT VALID;
COMMENT ON CONSTRAINT kids_name_check ON public.kids IS 'checked later';

-- undo add check kids_id_check on kids
ALTER TABLE public.kids DROP CONSTRAINT kids_id_check;

-- undo drop check kids_id_check on kids
ALTER TABLE public.kids ADD CONSTRAINT kids_id_check CHECK (id > 0) NOT VALID;
