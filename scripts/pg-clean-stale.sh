#!/bin/sh
# A pg_virtualenv run that was killed (a timeout, a restarted machine) leaves its
# throw-away "regress" cluster behind, and every later pg_virtualenv run refuses to start
# ("Cluster 15/regress exists, refusing to overwrite"). Drop only such leftovers: the ones
# pg_virtualenv marked as its own and that are not running.
for marker in /etc/postgresql/*/regress/.by_pg_virtualenv; do
    [ -f "$marker" ] || continue
    version=$(basename "$(dirname "$(dirname "$marker")")")
    if ! pg_ctlcluster "$version" regress status >/dev/null 2>&1; then
        echo "dropping a leftover pg_virtualenv cluster $version/regress"
        pg_dropcluster --stop "$version" regress 2>/dev/null || rm -rf "/etc/postgresql/$version/regress"
    fi
done
exit 0
