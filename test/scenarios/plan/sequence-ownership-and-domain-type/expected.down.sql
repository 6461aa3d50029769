-- undo sequence counter owned by t.id
ALTER SEQUENCE public.counter OWNED BY NONE;

-- undo alter sequence counter
ALTER SEQUENCE public.counter AS integer INCREMENT BY 1 NO MINVALUE NO MAXVALUE START WITH 1 CACHE 1 NO CYCLE;

-- undo alter domain short_text
DROP DOMAIN public.short_text;
CREATE DOMAIN public.short_text AS character varying(10);
