-- drop check tasks_not_low on tasks
ALTER TABLE public.tasks DROP CONSTRAINT tasks_not_low;

-- drop index tasks_high_idx on tasks
DROP INDEX public.tasks_high_idx;

-- recreate enum level (drops "medium")
ALTER TYPE public.level RENAME TO level__old;
CREATE TYPE public.level AS ENUM ('low', 'high');
ALTER TABLE public.tasks ALTER COLUMN level TYPE public.level USING level::text::public.level;
DROP TYPE public.level__old;

-- add check tasks_not_low on tasks
ALTER TABLE public.tasks ADD CONSTRAINT tasks_not_low CHECK (level <> 'low');

-- create index tasks_high_idx on tasks
CREATE INDEX tasks_high_idx ON public.tasks (id) WHERE (level = 'high');
