-- undo create view labels
DROP VIEW public.labels;

-- undo sequence counter owned by t.id
ALTER SEQUENCE public.counter OWNED BY NONE;

-- undo alter sequence counter
ALTER SEQUENCE public.counter AS integer INCREMENT BY 1 MINVALUE 1 NO MAXVALUE START WITH 1 CACHE 1 NO CYCLE;

-- undo recreate domain short_text (type character varying(10) -> character varying(20))
ALTER DOMAIN public.short_text RENAME TO short_text__old;
CREATE DOMAIN public.short_text AS character varying(10);
ALTER TABLE public.t ALTER COLUMN label DROP DEFAULT;
ALTER TABLE public.t ALTER COLUMN label TYPE public.short_text USING label::character varying(10)::public.short_text;
ALTER TABLE public.t ALTER COLUMN label SET DEFAULT 'x';
DROP DOMAIN public.short_text__old;

-- undo drop view labels
CREATE VIEW public.labels AS
SELECT id, label FROM t;
