-- rename table invoices to billing.bills
ALTER TABLE public.invoices SET SCHEMA billing;
ALTER TABLE billing.invoices RENAME TO bills;

-- rename enum state to billing.invoice_state
ALTER TYPE public.state SET SCHEMA billing;
ALTER TYPE billing.state RENAME TO invoice_state;

-- rename value "open" of enum billing.invoice_state to "pending"
ALTER TYPE billing.invoice_state RENAME VALUE 'open' TO 'pending';

-- rename constraint billing.bills.invoices_pkey to bills_pkey
ALTER TABLE billing.bills RENAME CONSTRAINT invoices_pkey TO bills_pkey;
