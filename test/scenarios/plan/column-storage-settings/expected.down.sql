-- undo add column docs.tags
ALTER TABLE public.docs DROP COLUMN tags;

-- undo alter column docs.meta (statistics)
ALTER TABLE public.docs ALTER COLUMN meta SET STATISTICS 200;

-- undo alter column docs.body (compression, storage)
ALTER TABLE public.docs ALTER COLUMN body SET STORAGE MAIN;
ALTER TABLE public.docs ALTER COLUMN body SET COMPRESSION DEFAULT;

-- undo create table pages
DROP TABLE public.pages;
