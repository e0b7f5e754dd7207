#!/usr/bin/env bash
# A short demo with the compiled binary: record a session in a fresh store, then read it back.
set -euo pipefail
cd "$(dirname "$0")/.."
cru="$PWD/dist/cru"
store="$(mktemp -d)/.crucible"
run() { printf '\n$ cru %s\n' "$*"; "$cru" "$@" --dir "$store"; }

id=$("$cru" session new --title "Project Alpha" --tag demo --dir "$store")
printf '$ cru session new --title "Project Alpha" --tag demo\n%s\n' "$id"
run session append "$id" --role user "Find all notes tagged #project and summarize them"
run session append "$id" --role assistant "I'll search for notes with the project tag."
run session append "$id" --tool search_by_tags --args '{"tags":["project"]}' --result "Found 12 notes matching #project."
run session append "$id" --role assistant "Twelve notes: three are done, nine are in progress."
run session show "$id" --markdown
run session list
run session search "notes project"
printf '\nThe session is plain markdown under %s\n' "$store/sessions/$id/"
