-- drop check kids_id_check on kids
ALTER TABLE public.kids DROP CONSTRAINT kids_id_check;

-- add check kids_id_check on kids
ALTER TABLE public.kids ADD CONSTRAINT kids_id_check CHECK (id > 1) NOT VALID;

-- validate check kids_name_check on kids
ALTER TABLE public.kids VALIDATE CONSTRAINT kids_name_check;
COMMENT ON CONSTRAINT kids_name_check ON public.kids IS 'checked now, it''s';

-- validate foreign key kids_parent_fk on kids
ALTER TABLE public.kids VALIDATE CONSTRAINT kids_parent_fk;
