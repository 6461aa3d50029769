-- undo rename constraint billing.bills.invoices_pkey to bills_pkey
ALTER TABLE billing.bills RENAME CONSTRAINT bills_pkey TO invoices_pkey;

-- undo rename value "open" of enum billing.invoice_state to "pending"
ALTER TYPE billing.invoice_state RENAME VALUE 'pending' TO 'open';

-- undo rename enum state to billing.invoice_state
ALTER TYPE billing.invoice_state RENAME TO state;
ALTER TYPE billing.state SET SCHEMA public;

-- undo rename table invoices to billing.bills
ALTER TABLE billing.bills RENAME TO invoices;
ALTER TABLE billing.invoices SET SCHEMA public;
