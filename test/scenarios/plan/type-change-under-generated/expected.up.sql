-- drop generated column t.total (recomputed)
ALTER TABLE public.t DROP COLUMN total;

-- alter column t.price (type)
ALTER TABLE public.t ALTER COLUMN price TYPE bigint USING price::bigint;

-- add generated column t.total
ALTER TABLE public.t ADD COLUMN total bigint GENERATED ALWAYS AS (price * qty) STORED;
