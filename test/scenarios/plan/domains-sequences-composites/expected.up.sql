-- create schema billing
CREATE SCHEMA billing;

-- alter type money_amount
ALTER TYPE public.money_amount ADD ATTRIBUTE currency character(3);

-- alter domain posint
ALTER DOMAIN public.posint SET DEFAULT 1;
ALTER DOMAIN public.posint SET NOT NULL;
ALTER DOMAIN public.posint DROP CONSTRAINT posint_check;
ALTER DOMAIN public.posint ADD CONSTRAINT posint_check CHECK (VALUE > 0 AND VALUE < 1000000);

-- create sequence billing.receipt_no
CREATE SEQUENCE billing.receipt_no AS integer;

-- alter sequence invoice_no
ALTER SEQUENCE public.invoice_no AS bigint INCREMENT BY 10 NO MINVALUE NO MAXVALUE START WITH 1000 CACHE 1 NO CYCLE;

-- create table billing.invoices
CREATE TABLE billing.invoices (
  id bigint DEFAULT nextval('invoice_no'::regclass) NOT NULL,
  qty public.posint,
  total public.money_amount,
  CONSTRAINT invoices_pkey PRIMARY KEY (id)
);
