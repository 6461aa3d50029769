-- change privileges on schema app
GRANT ALL ON SCHEMA app TO app_writer;

-- change privileges on type mood
REVOKE USAGE ON TYPE public.mood FROM PUBLIC;

-- change privileges on sequence app.counter
REVOKE ALL ON SEQUENCE app.counter FROM app_writer;
GRANT ALL ON SEQUENCE app.counter TO app_writer;

-- change privileges on function app.admin_only()
GRANT EXECUTE ON FUNCTION app.admin_only() TO PUBLIC;

-- change privileges on function app.touch(x integer)
REVOKE EXECUTE ON FUNCTION app.touch(x integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.touch(x integer) TO app_reader;

-- change privileges on table "Weird Table"
GRANT ALL ON TABLE public."Weird Table" TO "Hostile ""Role""";

-- change privileges on column "Weird Table".Odd Col
REVOKE UPDATE ("Odd Col") ON TABLE public."Weird Table" FROM "Hostile ""Role""";

-- change privileges on table app.users
REVOKE DELETE ON TABLE app.users FROM app_writer;
GRANT SELECT ON TABLE app.users TO app_reader WITH GRANT OPTION;
GRANT SELECT ON TABLE app.users TO PUBLIC;
GRANT SELECT (email), UPDATE (email) ON TABLE app.users TO app_reader;
GRANT SELECT (secret) ON TABLE app.users TO app_writer WITH GRANT OPTION;

-- change privileges on column app.users.email
GRANT UPDATE (email) ON TABLE app.users TO app_reader;

-- change privileges on column app.users.secret
GRANT SELECT (secret) ON TABLE app.users TO app_writer WITH GRANT OPTION;

-- change privileges on view app.user_emails
REVOKE SELECT ON TABLE app.user_emails FROM app_reader;
DO $sv$ BEGIN IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN UPDATE pg_catalog.pg_class SET relacl = NULL WHERE oid = 'app.user_emails'::pg_catalog.regclass AND relacl @> pg_catalog.acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::"char", relowner) AND relacl <@ pg_catalog.acldefault(CASE WHEN relkind = 'S' THEN 's' ELSE 'r' END::"char", relowner); END IF; END $sv$;
