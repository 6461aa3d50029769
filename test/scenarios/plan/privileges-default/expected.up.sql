-- revoke default privileges app_owner in app on sequences
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner IN SCHEMA app REVOKE USAGE ON SEQUENCES FROM app_writer;

-- revoke default privileges app_owner on functions
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- revoke default privileges app_owner on types
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner REVOKE USAGE ON TYPES FROM PUBLIC;

-- create schema reports
CREATE SCHEMA reports;

-- create table reports.daily
CREATE TABLE reports.daily (
  day date
);

-- grant default privileges app_owner on functions
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner GRANT EXECUTE ON FUNCTIONS TO app_writer;

-- grant default privileges app_owner on tables
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner GRANT INSERT ON TABLES TO app_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner GRANT ALL ON TABLES TO app_writer;

-- grant default privileges postgres in reports on tables
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA reports GRANT SELECT ON TABLES TO app_reader;
