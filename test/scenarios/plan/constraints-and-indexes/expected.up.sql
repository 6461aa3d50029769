-- drop foreign key kids_parent_fk on kids
ALTER TABLE public.kids DROP CONSTRAINT kids_parent_fk;

-- drop check kids_name_check on kids
ALTER TABLE public.kids DROP CONSTRAINT kids_name_check;

-- drop index kids_name_idx on kids
DROP INDEX public.kids_name_idx;

-- alter column kids.parent_id (type)
ALTER TABLE public.kids ALTER COLUMN parent_id TYPE bigint USING parent_id::bigint;

-- alter column parents.id (type)
ALTER TABLE public.parents ALTER COLUMN id TYPE bigint USING id::bigint;

-- add check kids_name_check on kids
ALTER TABLE public.kids ADD CONSTRAINT kids_name_check CHECK (length(name) > 1) NOT VALID;

-- add exclusion kids_no_overlap on kids
ALTER TABLE public.kids ADD CONSTRAINT kids_no_overlap EXCLUDE USING gist (period WITH &&);

-- add unique parents_code_key on parents
ALTER TABLE public.parents ADD CONSTRAINT parents_code_key UNIQUE NULLS NOT DISTINCT (code);

-- create index kids_lower_name_idx on kids
CREATE UNIQUE INDEX kids_lower_name_idx ON public.kids ((lower(name))) INCLUDE (id);

-- create index kids_name_idx on kids
CREATE INDEX kids_name_idx ON public.kids (name text_pattern_ops DESC) WITH (fillfactor = '70') WHERE (name IS NOT NULL);

-- add foreign key kids_parent_fk on kids
ALTER TABLE public.kids ADD CONSTRAINT kids_parent_fk FOREIGN KEY (parent_id) REFERENCES public.parents (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;
