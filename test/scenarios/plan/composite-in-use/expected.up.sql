-- alter type money_amount
ALTER TYPE public.money_amount ADD ATTRIBUTE currency text;
COMMENT ON TYPE public.money_amount IS 'an amount with its currency';
