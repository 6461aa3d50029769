-- undo add value "medium" to enum level
ALTER TABLE public.tasks DROP CONSTRAINT tasks_not_low;
DROP INDEX public.tasks_high_idx;
DROP POLICY tasks_high ON public.tasks;
ALTER TYPE public.level RENAME TO level__old;
CREATE TYPE public.level AS ENUM ('low', 'high');
ALTER TABLE public.tasks ALTER COLUMN level TYPE public.level USING level::text::public.level;
DROP TYPE public.level__old;
ALTER TABLE public.tasks ADD CONSTRAINT tasks_not_low CHECK (level <> 'low');
CREATE INDEX tasks_high_idx ON public.tasks (id) WHERE (level = 'high');
CREATE POLICY tasks_high ON public.tasks AS PERMISSIVE FOR SELECT TO PUBLIC USING (level = 'high');
