-- undo change privileges on view app.user_emails
GRANT SELECT ON TABLE app.user_emails TO app_reader;

-- undo change privileges on column app.users.secret
REVOKE SELECT (secret) ON TABLE app.users FROM app_writer;
DO $sv$ BEGIN IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN UPDATE pg_catalog.pg_attribute SET attacl = NULL WHERE attrelid = 'app.users'::pg_catalog.regclass AND attname = 'secret' AND pg_catalog.cardinality(attacl) = 0; END IF; END $sv$;

-- undo change privileges on column app.users.email
REVOKE UPDATE (email) ON TABLE app.users FROM app_reader;

-- undo change privileges on table app.users
REVOKE GRANT OPTION FOR SELECT ON TABLE app.users FROM app_reader;
REVOKE SELECT ON TABLE app.users FROM PUBLIC;
GRANT DELETE ON TABLE app.users TO app_writer;
GRANT SELECT (email) ON TABLE app.users TO app_reader;

-- undo change privileges on column "Weird Table".Odd Col
GRANT UPDATE ("Odd Col") ON TABLE public."Weird Table" TO "Hostile ""Role""";

-- undo change privileges on table "Weird Table"
REVOKE ALL ON TABLE public."Weird Table" FROM "Hostile ""Role""";
DO $sv$ BEGIN IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN UPDATE pg_catalog.pg_class SET relacl = NULL WHERE oid = 'public."Weird Table"'::pg_catalog.regclass AND relacl @> pg_catalog.acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::"char", relowner) AND relacl <@ pg_catalog.acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::"char", relowner); END IF; END $sv$;
GRANT SELECT ("Odd Col"), UPDATE ("Odd Col") ON TABLE public."Weird Table" TO "Hostile ""Role""";

-- undo change privileges on function app.touch(x integer)
REVOKE EXECUTE ON FUNCTION app.touch(x integer) FROM app_reader;
GRANT EXECUTE ON FUNCTION app.touch(x integer) TO PUBLIC;
DO $sv$ BEGIN IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN UPDATE pg_catalog.pg_proc p SET proacl = NULL WHERE p.pronamespace = 'app'::pg_catalog.regnamespace AND p.proname = 'touch' AND pg_catalog.pg_get_function_identity_arguments(p.oid) = 'x integer' AND p.proacl @> pg_catalog.acldefault('f', p.proowner) AND p.proacl <@ pg_catalog.acldefault('f', p.proowner); END IF; END $sv$;

-- undo change privileges on function app.admin_only()
REVOKE EXECUTE ON FUNCTION app.admin_only() FROM PUBLIC;

-- undo change privileges on sequence app.counter
REVOKE ALL ON SEQUENCE app.counter FROM app_writer;
GRANT SELECT, USAGE ON SEQUENCE app.counter TO app_writer;

-- undo change privileges on type mood
GRANT USAGE ON TYPE public.mood TO PUBLIC;
DO $sv$ BEGIN IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN UPDATE pg_catalog.pg_type t SET typacl = NULL WHERE t.typnamespace = 'public'::pg_catalog.regnamespace AND t.typname = 'mood' AND t.typacl @> pg_catalog.acldefault('T', t.typowner) AND t.typacl <@ pg_catalog.acldefault('T', t.typowner); END IF; END $sv$;

-- undo change privileges on schema app
REVOKE ALL ON SCHEMA app FROM app_writer;
