-- undo create trigger notes_audit on notes
DROP TRIGGER notes_audit ON public.notes;

-- undo create policy notes_owner on notes
DROP POLICY notes_owner ON public.notes;

-- undo alter column notes.level (type)
ALTER TABLE public.notes ALTER COLUMN level TYPE integer USING level::integer;

-- undo alter column notes.owner (type)
ALTER TABLE public.notes ALTER COLUMN owner TYPE character varying(50) USING owner::character varying(50);

-- undo drop trigger notes_audit on notes
CREATE TRIGGER notes_audit AFTER UPDATE OF level ON public.notes FOR EACH ROW WHEN (OLD.level IS DISTINCT FROM NEW.level) EXECUTE FUNCTION public.audit();

-- undo drop policy notes_owner on notes
CREATE POLICY notes_owner ON public.notes AS PERMISSIVE FOR ALL TO PUBLIC USING (owner = current_user);
