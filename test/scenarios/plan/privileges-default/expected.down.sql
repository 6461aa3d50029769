-- undo grant default privileges postgres in reports on tables
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA reports REVOKE SELECT ON TABLES FROM app_reader;

-- undo grant default privileges app_owner on tables
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner REVOKE INSERT ON TABLES FROM app_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner REVOKE ALL ON TABLES FROM app_writer;

-- undo grant default privileges app_owner on functions
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner REVOKE EXECUTE ON FUNCTIONS FROM app_writer;

-- undo create table reports.daily
DROP TABLE reports.daily;

-- undo create schema reports
DROP SCHEMA reports;

-- undo revoke default privileges app_owner on types
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner GRANT USAGE ON TYPES TO PUBLIC;

-- undo revoke default privileges app_owner on functions
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner GRANT EXECUTE ON FUNCTIONS TO PUBLIC;

-- undo revoke default privileges app_owner in app on sequences
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner IN SCHEMA app GRANT USAGE ON SEQUENCES TO app_writer;
