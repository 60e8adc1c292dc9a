#!/usr/bin/env bash
# Fills the secrets of a compose environment file: every variable of .env.example whose value is empty gets a fresh
# random value of the right kind (URL-safe passwords, a 32-byte base64 key, an Ed25519 PKCS#8 PEM); values already
# there are kept, so running it again changes nothing. Needs openssl.
#
#   cp .env.example .env && infra/compose/make-env.sh          # writes .env (mode 0600)
#   infra/compose/make-env.sh path/to/file.env                 # another file
set -euo pipefail

file="${1:-.env}"
if [ ! -f "$file" ]; then
  echo "make-env.sh: $file does not exist (cp .env.example $file first)" >&2
  exit 1
fi
command -v openssl >/dev/null || { echo "make-env.sh: openssl is needed" >&2; exit 1; }

value_for() {
  case "$1" in
    GATEWAY_CREDENTIALS_KEY) openssl rand -base64 32 ;;
    # One line with literal \n, single-quoted: read the same by docker compose and docker-compose 1.29; the audit
    # service turns the \n back into line breaks.
    AUDIT_CHECKPOINT_KEY) printf "'%s'" "$(openssl genpkey -algorithm ed25519 | awk 'NF { printf "%s\\n", $0 }')" ;;
    *) openssl rand -hex 24 ;;
  esac
}

umask 077
tmp="$(mktemp "${file}.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
filled=()
while IFS= read -r line || [ -n "$line" ]; do
  if [[ "$line" =~ ^([A-Z][A-Z0-9_]*)=$ ]]; then
    name="${BASH_REMATCH[1]}"
    printf '%s=%s\n' "$name" "$(value_for "$name")" >>"$tmp"
    filled+=("$name")
  else
    printf '%s\n' "$line" >>"$tmp"
  fi
done <"$file"
chmod 600 "$tmp"
mv "$tmp" "$file"
trap - EXIT
echo "make-env.sh: ${#filled[@]} value(s) generated in $file${filled[*]:+: ${filled[*]}}"
