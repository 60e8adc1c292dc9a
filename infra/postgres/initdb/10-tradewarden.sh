#!/bin/bash
# First start of the compose file's PostgreSQL (the image runs /docker-entrypoint-initdb.d/* once, on an empty data
# directory): the Tradewarden database with each service's role and schema (../tradewarden-roles.sql), and Keycloak's
# own role and database. Passwords come from the environment (.env; see .env.example).
set -euo pipefail

for variable in TW_IDENTITY_DB_PASSWORD TW_INTAKE_DB_PASSWORD TW_APPROVAL_DB_PASSWORD TW_GATEWAY_DB_PASSWORD \
  TW_AUDIT_DB_PASSWORD TW_AUDIT_WRITER_DB_PASSWORD KEYCLOAK_DB_PASSWORD; do
  if [ -z "${!variable:-}" ]; then
    echo "10-tradewarden.sh: $variable is not set" >&2
    exit 1
  fi
done

database="${TRADEWARDEN_DB_NAME:-tradewarden}"
admin=(psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER")

"${admin[@]}" --dbname postgres -v db="$database" -v keycloak_password="$KEYCLOAK_DB_PASSWORD" <<'SQL'
SELECT format('CREATE DATABASE %I', :'db') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db')
\gexec
SELECT 'CREATE ROLE keycloak' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'keycloak')
\gexec
ALTER ROLE keycloak LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'keycloak_password';
SELECT 'CREATE DATABASE keycloak OWNER keycloak' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'keycloak')
\gexec
REVOKE CONNECT ON DATABASE keycloak FROM PUBLIC;
GRANT CONNECT ON DATABASE keycloak TO keycloak;
SQL

"${admin[@]}" --dbname "$database" \
  -v identity_password="$TW_IDENTITY_DB_PASSWORD" \
  -v intake_password="$TW_INTAKE_DB_PASSWORD" \
  -v approval_password="$TW_APPROVAL_DB_PASSWORD" \
  -v gateway_password="$TW_GATEWAY_DB_PASSWORD" \
  -v audit_password="$TW_AUDIT_DB_PASSWORD" \
  -v audit_writer_password="$TW_AUDIT_WRITER_DB_PASSWORD" \
  -f "${TRADEWARDEN_ROLES_SQL:-/opt/tradewarden/tradewarden-roles.sql}"
