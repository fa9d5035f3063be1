#!/bin/sh
# readme_packages.sh - the README's "By hand" install line names every
# package quickstart installs for a build (its PACKAGES before the test
# extras), so a user who follows it gets what `./quickstart run` gets:
# without libdw-dev, for one, profiles come out without function names.
set -u
: "${top_srcdir:?}"
. "$top_srcdir/tests/lib/tap.sh"
# PACKAGES="..." up to its closing quote (two lines)
want=$(sed -n '/^PACKAGES="/,/"$/p' "$top_srcdir/quickstart" | sed 's/^PACKAGES="//; s/"$//')
# the README's apt-get line, continuation lines included, up to the fence
have=$(sed -n '/^By hand:/,/^```$/p' "$top_srcdir/README.md" | sed -n '/apt-get install/,/[^\\]$/p')
[ -n "$want" ] && [ -n "$have" ] || tap_bail "cannot find PACKAGES in quickstart or the README's install line"
missing=
for p in $want; do
	# the C library headers come with gcc on Debian: not named by hand
	case $p in libc6-dev|linux-libc-dev) continue ;; esac
	printf '%s\n' $have | grep -qx -- "$p" || missing="$missing $p"
done
if [ -z "$missing" ]; then tap_ok "README's by-hand install names every build package of quickstart"
else tap_not_ok "README's by-hand install lacks:$missing"; fi
tap_done
