-- drop view urgent_tasks
DROP VIEW public.urgent_tasks;

-- recreate enum level (drops "medium")
ALTER TYPE public.level RENAME TO level__old;
CREATE TYPE public.level AS ENUM ('low', 'high');
ALTER TABLE public.tasks ALTER COLUMN level DROP DEFAULT;
ALTER TABLE public.tasks ALTER COLUMN level TYPE public.level USING level::text::public.level;
ALTER TABLE public.tasks ALTER COLUMN level SET DEFAULT 'low';
ALTER TABLE public.tasks ALTER COLUMN history TYPE public.level[] USING history::text[]::public.level[];
DROP TYPE public.level__old;

-- create view urgent_tasks
CREATE VIEW public.urgent_tasks AS
SELECT id, level FROM tasks WHERE level = 'high';
