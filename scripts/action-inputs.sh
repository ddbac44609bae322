# The GitHub Action's inputs as bash arrays, for the `run:` steps of action.yml, which source
# this file (it is never executed). The inputs arrive in environment variables, never pasted
# into a script, and globbing is off, so no word is expanded or run:
#   paths    PLANLINT_PATHS: one a line when it has several lines, blanks around each dropped;
#            else split on whitespace
#   args     PLANLINT_ARGS, split on whitespace
#   plugins  PLANLINT_PLUGINS: one a line, blanks around each dropped; blank lines and lines
#            starting with # skipped
# Written for bash 3.2 (macOS runners): no namerefs, no mapfile.
set -f

paths=()
if [[ "${PLANLINT_PATHS:-}" == *$'\n'* ]]; then
  while IFS= read -r line; do
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    if [ -n "$line" ]; then paths+=("$line"); fi
  done <<< "$PLANLINT_PATHS"
else
  paths=(${PLANLINT_PATHS:-})
fi

args=(${PLANLINT_ARGS:-})

plugins=()
while IFS= read -r line; do
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  if [ -n "$line" ] && [ "${line:0:1}" != "#" ]; then plugins+=("$line"); fi
done <<< "${PLANLINT_PLUGINS:-}"
unset line
