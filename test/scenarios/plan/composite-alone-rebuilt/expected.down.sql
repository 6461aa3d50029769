-- undo rebuild type address
ALTER TYPE public.address ALTER ATTRIBUTE city TYPE text;
ALTER TYPE public.address ADD ATTRIBUTE zip text;

-- undo alter type "Entry Log"
DROP TYPE public."Entry Log";
CREATE TYPE public."Entry Log" AS (at timestamp with time zone);
