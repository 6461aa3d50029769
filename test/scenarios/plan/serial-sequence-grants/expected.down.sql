-- undo change privileges on sequence public.todos_seq_no_seq of todos.seq_no
REVOKE USAGE ON SEQUENCE public.todos_seq_no_seq FROM todo_user;
DO $sv$ BEGIN IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN UPDATE pg_catalog.pg_class SET relacl = NULL WHERE oid = 'public.todos_seq_no_seq'::pg_catalog.regclass AND relacl @> pg_catalog.acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::"char", relowner) AND relacl <@ pg_catalog.acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::"char", relowner); END IF; END $sv$;

-- undo change privileges on sequence public.todos_id_seq of todos.id
REVOKE SELECT ON SEQUENCE public.todos_id_seq FROM web_anon;
REVOKE USAGE ON SEQUENCE public.todos_id_seq FROM todo_user;

-- undo change privileges on sequence public.tags_id_seq of tags.id
REVOKE SELECT ON SEQUENCE public.tags_id_seq FROM web_anon;
DO $sv$ BEGIN IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN UPDATE pg_catalog.pg_class SET relacl = NULL WHERE oid = 'public.tags_id_seq'::pg_catalog.regclass AND relacl @> pg_catalog.acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::"char", relowner) AND relacl <@ pg_catalog.acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::"char", relowner); END IF; END $sv$;

-- undo change privileges on sequence public.notes_id_seq of notes.id
GRANT SELECT ON SEQUENCE public.notes_id_seq TO "Hostile ""Role""";

-- undo add column todos.seq_no
ALTER TABLE public.todos DROP COLUMN seq_no;

-- undo create table tags
DROP TABLE public.tags;
