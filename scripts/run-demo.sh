#!/usr/bin/env bash
# run-demo.sh HEED DATA LISTEN — what `make run` does after building:
# create DATA with a demo team the first time, say how to sign in, serve.
set -euo pipefail
heed="$1"; data="$2"; listen="$3"

if [ ! -f "$data/heed.db" ]; then
  "$heed" init --data "$data" --demo --listen "$listen" --desk-name "heed demo"
  echo
fi
url="http://$listen"
if [ -f "$data/demo-credentials.txt" ]; then
  token=$(sed -n 's/^API token: //p' "$data/demo-credentials.txt")
  echo "Demo credentials (sign in to the web app at $url/ with an e-mail and password;"
  echo "the API is at $url/api/v1):"
  sed 's/^/    /' "$data/demo-credentials.txt"
  echo
  echo "Try the API:"
  echo "    curl -H 'Authorization: Bearer $token' $url/api/v1/tickets"
else
  echo "Serving $data (created without --demo: use the credentials printed by heed init;"
  echo "make a new API token with: $heed token create --data $data)"
fi
echo
exec "$heed" serve --data "$data" --listen "$listen"
