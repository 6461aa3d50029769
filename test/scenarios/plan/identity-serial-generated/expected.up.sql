-- alter column t.a (identity)
ALTER TABLE public.t ALTER COLUMN a ADD GENERATED ALWAYS AS IDENTITY;
SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence('public.t', 'a'), max(a)) FROM public.t HAVING max(a) >= '1';

-- alter column t.b (nullable, serial)
ALTER TABLE public.t ALTER COLUMN b DROP DEFAULT;
DROP SEQUENCE public.t_b_seq;
ALTER TABLE public.t ALTER COLUMN b DROP NOT NULL;

-- alter column t.c (identity)
ALTER TABLE public.t ALTER COLUMN c SET GENERATED ALWAYS;
ALTER TABLE public.t ALTER COLUMN c SET INCREMENT BY 5 SET NO MINVALUE SET NO MAXVALUE SET START WITH 100 SET CACHE 1 SET NO CYCLE;

-- alter column t.total (generated)
ALTER TABLE public.t DROP COLUMN total;
ALTER TABLE public.t ADD COLUMN total integer GENERATED ALWAYS AS (price * qty * 2) STORED;
