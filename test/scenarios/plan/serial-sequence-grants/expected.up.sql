-- create table tags
CREATE TABLE public.tags (
  id serial NOT NULL,
  CONSTRAINT tags_pkey PRIMARY KEY (id)
);

-- add column todos.seq_no
ALTER TABLE public.todos ADD COLUMN seq_no bigserial NOT NULL;

-- change privileges on sequence public.notes_id_seq of notes.id
REVOKE SELECT ON SEQUENCE public.notes_id_seq FROM "Hostile ""Role""";
DO $sv$ BEGIN IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN UPDATE pg_catalog.pg_class SET relacl = NULL WHERE oid = 'public.notes_id_seq'::pg_catalog.regclass AND relacl @> pg_catalog.acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::"char", relowner) AND relacl <@ pg_catalog.acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::"char", relowner); END IF; END $sv$;

-- change privileges on sequence public.tags_id_seq of tags.id
GRANT SELECT ON SEQUENCE public.tags_id_seq TO web_anon;

-- change privileges on sequence public.todos_id_seq of todos.id
GRANT SELECT ON SEQUENCE public.todos_id_seq TO web_anon;
GRANT USAGE ON SEQUENCE public.todos_id_seq TO todo_user;

-- change privileges on sequence public.todos_seq_no_seq of todos.seq_no
GRANT USAGE ON SEQUENCE public.todos_seq_no_seq TO todo_user;
