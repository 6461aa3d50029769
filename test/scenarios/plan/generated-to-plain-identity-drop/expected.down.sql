-- undo alter column t.doubled (generated)
ALTER TABLE public.t DROP COLUMN doubled;
ALTER TABLE public.t ADD COLUMN doubled integer GENERATED ALWAYS AS (a * 2) STORED;

-- undo alter column t.id (identity)
ALTER TABLE public.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence('public.t', 'id'), max(id)) FROM public.t HAVING max(id) >= '1';
