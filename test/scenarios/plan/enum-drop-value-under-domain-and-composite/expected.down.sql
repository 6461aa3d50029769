-- undo recreate enum mood (drops "meh")
ALTER TYPE public.mood RENAME TO mood__old;
CREATE TYPE public.mood AS ENUM ('happy', 'meh', 'sad');
ALTER DOMAIN public.mood_d RENAME TO mood_d__old;
CREATE DOMAIN public.mood_d AS public.mood;
ALTER DOMAIN public.mood_d ADD CONSTRAINT mood_d_check CHECK (VALUE <> 'sad');
ALTER TYPE public.reading RENAME TO reading__old;
CREATE TYPE public.reading AS (m public.mood, at integer);
ALTER DOMAIN public.mood_dd RENAME TO mood_dd__old;
CREATE DOMAIN public.mood_dd AS public.mood_d;
ALTER TABLE public.t ALTER COLUMN m DROP DEFAULT;
ALTER TABLE public.t ALTER COLUMN m TYPE public.mood_d USING m::text::public.mood_d;
ALTER TABLE public.t ALTER COLUMN m SET DEFAULT 'happy';
ALTER TABLE public.t ALTER COLUMN r TYPE public.reading USING r::text::public.reading;
ALTER TABLE public.t ALTER COLUMN mm TYPE public.mood_dd[] USING mm::text[]::public.mood_dd[];
DROP DOMAIN public.mood_dd__old;
DROP TYPE public.reading__old;
DROP DOMAIN public.mood_d__old;
DROP TYPE public.mood__old;
