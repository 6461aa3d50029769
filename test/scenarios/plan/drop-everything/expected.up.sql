-- drop view v
DROP VIEW public.v;

-- drop foreign key a_b_id_fkey on a
ALTER TABLE public.a DROP CONSTRAINT a_b_id_fkey;

-- drop foreign key b_a_id_fkey on b
ALTER TABLE public.b DROP CONSTRAINT b_a_id_fkey;

-- drop table a
DROP TABLE public.a;

-- drop table b
DROP TABLE public.b;

-- drop function f(x integer)
DROP FUNCTION public.f(x integer);

-- drop enum color
DROP TYPE public.color;
