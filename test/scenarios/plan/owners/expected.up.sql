-- create type pair
CREATE TYPE public.pair AS (a integer, b integer);
ALTER TYPE public.pair OWNER TO app_admin;

-- create function g()
CREATE FUNCTION public.g() RETURNS integer LANGUAGE sql
AS $body$SELECT 2$body$;
ALTER FUNCTION public.g() OWNER TO app_admin;

-- create sequence order_no
CREATE SEQUENCE public.order_no;

-- create table orders
CREATE TABLE public.orders (
  id bigint
);
ALTER TABLE public.orders OWNER TO app_owner;
GRANT SELECT ON TABLE public.orders TO app_reader;

-- add column users.email
ALTER TABLE public.users ADD COLUMN email text;

-- sequence order_no owned by orders.id
ALTER SEQUENCE public.order_no OWNER TO app_owner;
ALTER SEQUENCE public.order_no OWNED BY public.orders.id;

-- create materialized view mv
CREATE MATERIALIZED VIEW public.mv AS
SELECT id FROM orders;
ALTER MATERIALIZED VIEW public.mv OWNER TO app_admin;

-- change owner of schema billing
ALTER SCHEMA billing OWNER TO app_admin;

-- change owner of type status
ALTER TYPE public.status OWNER TO CURRENT_USER;

-- change owner of sequence invoice_no
ALTER SEQUENCE public.invoice_no OWNER TO app_owner;

-- change owner of function f()
ALTER FUNCTION public.f() OWNER TO CURRENT_USER;

-- change owner of table billing.invoices
ALTER TABLE billing.invoices OWNER TO CURRENT_USER;

-- change owner of table tickets
ALTER TABLE public.tickets OWNER TO app_owner;

-- change owner of table users
ALTER TABLE public.users OWNER TO app_admin;

-- change owner of view v
ALTER VIEW public.v OWNER TO app_owner;
