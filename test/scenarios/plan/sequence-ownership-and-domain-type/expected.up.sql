-- alter domain short_text
DROP DOMAIN public.short_text;
CREATE DOMAIN public.short_text AS character varying(20);

-- alter sequence counter
ALTER SEQUENCE public.counter AS bigint INCREMENT BY 1 NO MINVALUE MAXVALUE 999999 START WITH 1 CACHE 1 CYCLE;

-- sequence counter owned by t.id
ALTER SEQUENCE public.counter OWNED BY public.t.id;
