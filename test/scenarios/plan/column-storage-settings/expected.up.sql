-- create table pages
CREATE TABLE public.pages (
  id integer NOT NULL,
  html text,
  CONSTRAINT pages_pkey PRIMARY KEY (id)
);
ALTER TABLE public.pages ALTER COLUMN html SET STORAGE EXTERNAL;
ALTER TABLE public.pages ALTER COLUMN html SET COMPRESSION PGLZ;
ALTER TABLE public.pages ALTER COLUMN html SET STATISTICS 50;

-- alter column docs.body (compression, storage)
ALTER TABLE public.docs ALTER COLUMN body SET STORAGE EXTERNAL;
ALTER TABLE public.docs ALTER COLUMN body SET COMPRESSION PGLZ;

-- alter column docs.meta (statistics)
ALTER TABLE public.docs ALTER COLUMN meta SET STATISTICS -1;

-- add column docs.tags
ALTER TABLE public.docs ADD COLUMN tags text[];
ALTER TABLE public.docs ALTER COLUMN tags SET STORAGE MAIN;
ALTER TABLE public.docs ALTER COLUMN tags SET STATISTICS 1000;
