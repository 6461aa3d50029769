-- undo change owner of view v
ALTER VIEW public.v OWNER TO CURRENT_USER;

-- undo change owner of table users
ALTER TABLE public.users OWNER TO app_owner;

-- undo change owner of table tickets
ALTER TABLE public.tickets OWNER TO CURRENT_USER;

-- undo change owner of table billing.invoices
ALTER TABLE billing.invoices OWNER TO app_owner;

-- undo change owner of function f()
ALTER FUNCTION public.f() OWNER TO app_owner;

-- undo change owner of sequence invoice_no
ALTER SEQUENCE public.invoice_no OWNER TO CURRENT_USER;

-- undo change owner of type status
ALTER TYPE public.status OWNER TO app_owner;

-- undo change owner of schema billing
ALTER SCHEMA billing OWNER TO app_owner;

-- undo create materialized view mv
DROP MATERIALIZED VIEW public.mv;

-- undo sequence order_no owned by orders.id
ALTER SEQUENCE public.order_no OWNED BY NONE;
ALTER SEQUENCE public.order_no OWNER TO CURRENT_USER;

-- undo add column users.email
ALTER TABLE public.users DROP COLUMN email;

-- undo create table orders
DROP TABLE public.orders;

-- undo create sequence order_no
DROP SEQUENCE public.order_no;

-- undo create function g()
DROP FUNCTION public.g();

-- undo create type pair
DROP TYPE public.pair;
