#!/usr/bin/env bash
# The package runs anywhere, not only in this repository: build a wheel from the working tree,
# install it with the locked runtime dependencies into a fresh virtualenv, build every shipped note
# from a copy of assumptions/ in a folder outside the repository, and require HTML and PDF that are
# byte-identical to the same notes built in the repository.
#
# Outside a git checkout a note's previous version cannot be read from history, so each note the
# ledger records is given the published version with --previous, taken from the recorded commit
# with `git archive` (the way an analyst without the repository would hand it over).
#
# Usage: scripts/check-installed.sh [PYTHON]   (PYTHON: the repository's virtualenv's python)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO_PY="${1:-.venv/bin/python}"
# Absolute, without resolving the virtualenv's symlink to the interpreter it was made from.
REPO_PY="$(cd "$(dirname "$REPO_PY")" && pwd)/$(basename "$REPO_PY")"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/reportgen-installed.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# A wheel built from a copy of the tracked and new files: setuptools writes build/ beside the sources,
# and build/ is this repository's output folder.
mkdir -p "$WORK/src"
git ls-files -z --cached --others --exclude-standard | tar -c --null -T - | tar -x -C "$WORK/src"
(cd "$WORK/src" && "$REPO_PY" -m pip wheel --quiet --no-deps --no-build-isolation -w "$WORK/dist" .)

python3 -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --require-hashes --no-deps -r requirements/runtime.txt
"$WORK/venv/bin/python" -m pip install --quiet --no-deps "$WORK"/dist/reportgen-*.whl

cp -R assumptions "$WORK/notes"
# note -> commit of its last publication, from the ledger (the installed package reads it).
"$WORK/venv/bin/python" - "$WORK/notes/ledger.jsonl" > "$WORK/published" <<'EOF'
import json, sys
last = {}
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        if line.strip():
            entry = json.loads(line)
            last[entry["note"]] = entry["revision"]
for note, rev in sorted(last.items()):
    print(note, rev)
EOF

status=0
for folder in assumptions/*/; do
  note="$(basename "$folder")"
  [ -f "$folder/company.yaml" ] || continue
  previous=()
  rev="$(awk -v n="$note" '$1 == n { print $2 }' "$WORK/published")"
  if [ -n "$rev" ]; then
    mkdir -p "$WORK/prev/$rev"
    [ -d "$WORK/prev/$rev/assumptions" ] || git archive "$rev" assumptions | tar -x -C "$WORK/prev/$rev"
    previous=(--previous "$WORK/prev/$rev/assumptions/$note")
  fi
  (cd "$WORK" && venv/bin/reportgen build "notes/$note" "${previous[@]}" --out installed --force --jobs 1 >/dev/null)
  "$REPO_PY" -m reportgen build "$folder" --out "$WORK/repo" --force --jobs 1 >/dev/null
  for ext in html pdf; do
    if cmp -s "$WORK/repo/$note/$note.$ext" "$WORK/installed/$note/$note.$ext"; then
      echo "installed package: $note.$ext byte-identical to the in-repo build"
    else
      echo "installed package: $note.$ext DIFFERS from the in-repo build" >&2
      status=1
    fi
  done
done
exit $status
