-- undo alter type money_amount
ALTER TYPE public.money_amount DROP ATTRIBUTE currency;
COMMENT ON TYPE public.money_amount IS NULL;
