-- undo add foreign key kids_parent_fk on kids
ALTER TABLE public.kids DROP CONSTRAINT kids_parent_fk;

-- undo create index kids_name_idx on kids
DROP INDEX public.kids_name_idx;

-- undo create index kids_lower_name_idx on kids
DROP INDEX public.kids_lower_name_idx;

-- undo add unique parents_code_key on parents
ALTER TABLE public.parents DROP CONSTRAINT parents_code_key;

-- undo add exclusion kids_no_overlap on kids
ALTER TABLE public.kids DROP CONSTRAINT kids_no_overlap;

-- undo add check kids_name_check on kids
ALTER TABLE public.kids DROP CONSTRAINT kids_name_check;

-- undo alter column parents.id (type)
ALTER TABLE public.parents ALTER COLUMN id TYPE integer USING id::integer;

-- undo alter column kids.parent_id (type)
ALTER TABLE public.kids ALTER COLUMN parent_id TYPE integer USING parent_id::integer;

-- undo drop index kids_name_idx on kids
CREATE INDEX kids_name_idx ON public.kids (name);

-- undo drop check kids_name_check on kids
ALTER TABLE public.kids ADD CONSTRAINT kids_name_check CHECK (name <> '');

-- undo drop foreign key kids_parent_fk on kids
ALTER TABLE public.kids ADD CONSTRAINT kids_parent_fk FOREIGN KEY (parent_id) REFERENCES public.parents (id);
