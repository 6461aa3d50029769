-- alter column items.total (virtual)
ALTER TABLE public.items DROP COLUMN total;
ALTER TABLE public.items ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) VIRTUAL;

-- alter column items.label (generated, virtual)
ALTER TABLE public.items DROP COLUMN label;
ALTER TABLE public.items ADD COLUMN label text;

-- add column items.discounted
ALTER TABLE public.items ADD COLUMN discounted numeric GENERATED ALWAYS AS (price * 0.9) VIRTUAL;
