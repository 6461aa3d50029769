-- undo add column events.kind
ALTER TABLE public.events DROP COLUMN kind;

-- undo create table events_2025
DROP TABLE public.events_2025;
