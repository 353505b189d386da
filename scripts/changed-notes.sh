#!/bin/sh
# Print the note folders whose inputs changed since BASE, one per line.
#
# Usage: scripts/changed-notes.sh [BASE]
# BASE is a git revision (origin/main, a commit). Changes are taken from the point where
# the current branch left BASE, plus uncommitted changes. Every note is printed when BASE
# is empty or unknown to git, or when something all notes share changed: templates/, the
# package (reportgen/), pyproject.toml, or a file directly under assumptions/ (the house
# profile and its logo).
set -eu

all_notes() {
  for dir in assumptions/*/; do
    if [ -f "${dir}company.yaml" ]; then echo "${dir%/}"; fi
  done
}

base="${1:-}"
if [ -z "$base" ] || ! git rev-parse --verify --quiet "${base}^{commit}" >/dev/null; then
  all_notes
  exit 0
fi
since=$(git merge-base "$base" HEAD)
changed=$(git diff --name-only "$since" -- assumptions templates reportgen pyproject.toml)
if printf '%s\n' "$changed" | grep -Eq '^(templates/|reportgen/|pyproject\.toml$|assumptions/[^/]+$)'; then
  all_notes
  exit 0
fi
printf '%s\n' "$changed" | sed -n 's#^\(assumptions/[^/]*\)/.*#\1#p' | sort -u | while read -r dir; do
  if [ -f "$dir/company.yaml" ]; then echo "$dir"; fi
done
