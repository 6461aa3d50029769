-- undo change privileges on view app.user_emails
GRANT SELECT ON TABLE app.user_emails TO app_reader;

-- undo change privileges on column app.users.secret
REVOKE SELECT (secret) ON TABLE app.users FROM app_writer;

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
GRANT SELECT ("Odd Col"), UPDATE ("Odd Col") ON TABLE public."Weird Table" TO "Hostile ""Role""";

-- undo change privileges on function app.touch(x integer)
REVOKE EXECUTE ON FUNCTION app.touch(x integer) FROM app_reader;
GRANT EXECUTE ON FUNCTION app.touch(x integer) TO PUBLIC;

-- undo change privileges on function app.admin_only()
REVOKE EXECUTE ON FUNCTION app.admin_only() FROM PUBLIC;

-- undo change privileges on sequence app.counter
REVOKE ALL ON SEQUENCE app.counter FROM app_writer;
GRANT SELECT, USAGE ON SEQUENCE app.counter TO app_writer;

-- undo change privileges on type mood
GRANT USAGE ON TYPE public.mood TO PUBLIC;

-- undo change privileges on schema app
REVOKE ALL ON SCHEMA app FROM app_writer;
