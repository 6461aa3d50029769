-- undo recreate enum mood (adds "ok", used in this migration)
ALTER TYPE public.mood RENAME TO mood__old;
CREATE TYPE public.mood AS ENUM ('happy', 'sad');
ALTER TABLE public.people ALTER COLUMN mood DROP DEFAULT;
ALTER TABLE public.people ALTER COLUMN mood TYPE public.mood USING mood::text::public.mood;
ALTER TABLE public.people ALTER COLUMN mood SET DEFAULT 'happy';
DROP TYPE public.mood__old;
