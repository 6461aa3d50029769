-- alter column events.n (sequenceComment)
COMMENT ON SEQUENCE public.events_n_seq IS 'event numbers';

-- alter column users.id (sequenceComment)
COMMENT ON SEQUENCE public.users_id_seq IS 'row ids';

-- create view user_emails
CREATE VIEW public.user_emails AS
SELECT email FROM users;
GRANT SELECT (email) ON TABLE public.user_emails TO view_reader;

-- change column privileges on view public_users
GRANT UPDATE (email) ON TABLE public.public_users TO view_reader;
REVOKE SELECT (secret) ON TABLE public.public_users FROM view_auditor;
DO $sv$ BEGIN IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN UPDATE pg_catalog.pg_attribute SET attacl = NULL WHERE attrelid = 'public.public_users'::pg_catalog.regclass AND attname = 'secret' AND pg_catalog.cardinality(attacl) = 0; END IF; END $sv$;
GRANT SELECT (id) ON TABLE public.public_users TO view_reader;

-- change privileges on view public_users
GRANT SELECT ON TABLE public.public_users TO view_auditor;
