-- alter type "Entry Log"
ALTER TYPE public."Entry Log" ADD ATTRIBUTE note text;

-- rebuild type address
DROP TYPE public.address;
CREATE TYPE public.address AS (street text, city text COLLATE "C");
COMMENT ON TYPE public.address IS 'a postal address';
