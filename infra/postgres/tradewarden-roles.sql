-- Tradewarden's database roles and schemas in one PostgreSQL database: what libs/database/src/provision.ts does for
-- `npm start` and the tests, plus the audit service's separate owner role. Run by a superuser (or a role with
-- CREATEROLE that may create schemas in the database), connected to the Tradewarden database; idempotent (passwords
-- are set again on every run):
--
--   psql "postgres://<admin>@<host>:5432/tradewarden" -v ON_ERROR_STOP=1 \
--     -v identity_password=... -v intake_password=... -v approval_password=... -v gateway_password=... \
--     -v audit_password=... -v audit_writer_password=... -f infra/postgres/tradewarden-roles.sql
--
-- docker-compose.yml runs it on the first start of its PostgreSQL (infra/postgres/initdb/10-tradewarden.sh).
--
--   role             schema     what it may do
--   tw_identity      identity   owns its schema; the service runs as it and migrates at boot (DATABASE_URL)
--   tw_intake        intake     "
--   tw_approval      approval   "
--   tw_gateway       gateway    "
--   tw_audit         audit      owns the audit schema: the audit service's DATABASE_MIGRATION_URL, used only to run
--                               its migrations and grant the runtime role what it needs on the tables they create
--   tw_audit_writer  (audit)    the audit service's runtime login (DATABASE_URL): USAGE on the schema, no CREATE;
--                               on the append-only trail only SELECT and INSERT (granted by the migrations)
--
-- No role can create objects in public or reach another service's schema; only these roles may connect.

\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I', role_name)
  FROM unnest(ARRAY['tw_identity', 'tw_intake', 'tw_approval', 'tw_gateway', 'tw_audit', 'tw_audit_writer']) AS role_name
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name)
\gexec

ALTER ROLE tw_identity     LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'identity_password';
ALTER ROLE tw_intake       LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'intake_password';
ALTER ROLE tw_approval     LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'approval_password';
ALTER ROLE tw_gateway      LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'gateway_password';
ALTER ROLE tw_audit        LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'audit_password';
ALTER ROLE tw_audit_writer LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'audit_writer_password';

-- Each service's schema, owned by the role that migrates it.
CREATE SCHEMA IF NOT EXISTS identity AUTHORIZATION tw_identity;
ALTER SCHEMA identity OWNER TO tw_identity;
CREATE SCHEMA IF NOT EXISTS intake AUTHORIZATION tw_intake;
ALTER SCHEMA intake OWNER TO tw_intake;
CREATE SCHEMA IF NOT EXISTS approval AUTHORIZATION tw_approval;
ALTER SCHEMA approval OWNER TO tw_approval;
CREATE SCHEMA IF NOT EXISTS gateway AUTHORIZATION tw_gateway;
ALTER SCHEMA gateway OWNER TO tw_gateway;
CREATE SCHEMA IF NOT EXISTS audit AUTHORIZATION tw_audit;
ALTER SCHEMA audit OWNER TO tw_audit;
-- The runtime role may look names up in the audit schema but never create anything there.
GRANT USAGE ON SCHEMA audit TO tw_audit_writer;
REVOKE CREATE ON SCHEMA audit FROM tw_audit_writer;

-- Nobody creates objects in public; only the Tradewarden roles connect to this database.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SELECT format('REVOKE CONNECT ON DATABASE %I FROM PUBLIC', current_database())
\gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), role_name)
  FROM unnest(ARRAY['tw_identity', 'tw_intake', 'tw_approval', 'tw_gateway', 'tw_audit', 'tw_audit_writer']) AS role_name
\gexec

-- Unqualified names resolve in the role's own schema (migrations rely on it, as with provision.ts).
SELECT format('ALTER ROLE %I IN DATABASE %I SET search_path = %I', role_name, current_database(), schema_name)
  FROM (VALUES ('tw_identity', 'identity'), ('tw_intake', 'intake'), ('tw_approval', 'approval'), ('tw_gateway', 'gateway'),
               ('tw_audit', 'audit'), ('tw_audit_writer', 'audit')) AS spec(role_name, schema_name)
\gexec
