-- add value "medium" to enum level
ALTER TYPE public.level ADD VALUE 'medium' AFTER 'low';
