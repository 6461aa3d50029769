-- undo change privileges on view public_users
REVOKE SELECT ON TABLE public.public_users FROM view_auditor;
DO $sv$ BEGIN IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN UPDATE pg_catalog.pg_class SET relacl = NULL WHERE oid = 'public.public_users'::pg_catalog.regclass AND relacl @> pg_catalog.acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::"char", relowner) AND relacl <@ pg_catalog.acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::"char", relowner); END IF; END $sv$;
GRANT SELECT (email) ON TABLE public.public_users TO view_reader;
GRANT SELECT (secret) ON TABLE public.public_users TO view_auditor;

-- undo change column privileges on view public_users
REVOKE UPDATE (email) ON TABLE public.public_users FROM view_reader;
GRANT SELECT (secret) ON TABLE public.public_users TO view_auditor;
REVOKE SELECT (id) ON TABLE public.public_users FROM view_reader;
DO $sv$ BEGIN IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN UPDATE pg_catalog.pg_attribute SET attacl = NULL WHERE attrelid = 'public.public_users'::pg_catalog.regclass AND attname = 'id' AND pg_catalog.cardinality(attacl) = 0; END IF; END $sv$;

-- undo create view user_emails
DROP VIEW public.user_emails;

-- undo alter column users.id (sequenceComment)
COMMENT ON SEQUENCE public.users_id_seq IS 'ids of users';

-- undo alter column events.n (sequenceComment)
COMMENT ON SEQUENCE public.events_n_seq IS NULL;
