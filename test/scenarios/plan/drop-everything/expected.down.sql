-- undo drop enum color
CREATE TYPE public.color AS ENUM ('red', 'green');

-- undo drop function f(x integer)
CREATE FUNCTION public.f(x integer) RETURNS integer LANGUAGE sql
AS $body$SELECT x + 1$body$;

-- undo drop table b
CREATE TABLE public.b (
  id integer NOT NULL,
  a_id integer,
  CONSTRAINT b_pkey PRIMARY KEY (id)
);

-- undo drop table a
CREATE TABLE public.a (
  id integer NOT NULL,
  b_id integer,
  c public.color,
  CONSTRAINT a_pkey PRIMARY KEY (id)
);

-- undo drop foreign key b_a_id_fkey on b
ALTER TABLE public.b ADD CONSTRAINT b_a_id_fkey FOREIGN KEY (a_id) REFERENCES public.a (id);

-- undo drop foreign key a_b_id_fkey on a
ALTER TABLE public.a ADD CONSTRAINT a_b_id_fkey FOREIGN KEY (b_id) REFERENCES public.b (id);

-- undo drop view v
CREATE VIEW public.v AS
SELECT a.id, f(b.id) AS fb FROM a JOIN b ON b.id = a.b_id;
