#!/bin/sh
# The documentation a clone can follow: nothing in the repository points at files outside it (the specs the
# project started from are not in a clone), and every relative Markdown link resolves to a file in the tree.
# usage: check_docs.sh <source dir>
set -eu
cd "$1"
status=0

outside=$(grep -rnE "spec/(PROTOCOL|ABI|INTEROP)\.md|(^|[^/a-z])(PROTOCOL|ABI|INTEROP|DESIGN)\.md|\.\./shared" \
    --exclude-dir=.git --exclude-dir=build --exclude-dir=artifacts --exclude-dir=bin --exclude-dir=obj \
    --exclude=check_docs.sh . || true)
if [ -n "$outside" ]; then
    echo "references to documents outside the repository:"
    echo "$outside"
    status=1
fi

links=0
for file in README.md docs/*.md tests/runtime/README.md; do
    dir=$(dirname "$file")
    # [text](target) where target is relative (no scheme, no leading #)
    for target in $(grep -oE '\]\([^)#[:space:]][^)[:space:]]*\)' "$file" | sed -E 's/^\]\(//; s/\)$//; s/#.*$//' | grep -vE '^[a-z]+:'); do
        links=$((links + 1))
        if [ ! -e "$dir/$target" ]; then
            echo "$file: broken link to $target"
            status=1
        fi
    done
done
echo "checked $links relative links"
exit $status
