-- undo add column items.discounted
ALTER TABLE public.items DROP COLUMN discounted;

-- undo alter column items.label (generated, virtual)
ALTER TABLE public.items DROP COLUMN label;
ALTER TABLE public.items ADD COLUMN label text GENERATED ALWAYS AS ('#' || id) VIRTUAL;

-- undo alter column items.total (virtual)
ALTER TABLE public.items DROP COLUMN total;
ALTER TABLE public.items ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) STORED;
