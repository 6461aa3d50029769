-- drop policy notes_owner on notes
DROP POLICY notes_owner ON public.notes;

-- drop trigger notes_audit on notes
DROP TRIGGER notes_audit ON public.notes;

-- alter column notes.owner (type)
ALTER TABLE public.notes ALTER COLUMN owner TYPE text USING owner::text;

-- alter column notes.level (type)
ALTER TABLE public.notes ALTER COLUMN level TYPE bigint USING level::bigint;

-- create policy notes_owner on notes
CREATE POLICY notes_owner ON public.notes AS PERMISSIVE FOR ALL TO PUBLIC USING (owner = current_user);

-- create trigger notes_audit on notes
CREATE TRIGGER notes_audit AFTER UPDATE OF level ON public.notes FOR EACH ROW WHEN (OLD.level IS DISTINCT FROM NEW.level) EXECUTE FUNCTION public.audit();
