-- create table events_2025
CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- add column events.kind
ALTER TABLE public.events ADD COLUMN kind text;
