-- undo create table billing.invoices
DROP TABLE billing.invoices;

-- undo alter sequence invoice_no
ALTER SEQUENCE public.invoice_no AS bigint INCREMENT BY 1 NO MINVALUE NO MAXVALUE START WITH 1000 CACHE 1 NO CYCLE;

-- undo create sequence billing.receipt_no
DROP SEQUENCE billing.receipt_no;

-- undo alter domain posint
ALTER DOMAIN public.posint DROP DEFAULT;
ALTER DOMAIN public.posint DROP NOT NULL;
ALTER DOMAIN public.posint DROP CONSTRAINT posint_check;
ALTER DOMAIN public.posint ADD CONSTRAINT posint_check CHECK (VALUE > 0);

-- undo alter type money_amount
ALTER TYPE public.money_amount DROP ATTRIBUTE currency;

-- undo create schema billing
DROP SCHEMA billing;
