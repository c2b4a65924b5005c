#!/usr/bin/env bash
# Install planner from this offline bundle, on Linux, with no network.
#
#   bash install.sh [FOLDER]
#
# First every file of the bundle is checked against SHA256SUMS: one that does not match
# stops it before anything is written. Then planner goes into a virtual environment in
# FOLDER (default ~/.local/share/planner-app), with pip's package index switched off and
# only this bundle's wheels, each checked against its hash in requirements.txt. Running a
# newer bundle's install.sh again upgrades that folder. The database is never in it: it
# stays where it is (by default ~/.local/share/planner/planner.db) and is never touched.
# PYTHON=/path/to/python3.X chooses the Python (one that targets.txt lists).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
say() { printf '== install.sh: %s\n' "$*"; }
fail() {
    printf 'install.sh: %s\n' "$*" >&2
    exit 1
}

[ -n "${HOME:-}" ] || [ -n "${XDG_DATA_HOME:-}" ] || [ -n "${1:-}" ] ||
    fail "HOME is not set: give the folder to install into (bash install.sh FOLDER); nothing was installed"
data_home="${XDG_DATA_HOME:-${HOME:-}/.local/share}"
target="${1:-$data_home/planner-app}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
# Trailing slashes and single dots go; what is left must be a folder below the root, so
# that the folder made, set aside and removed below is never / or the current folder.
while [ "${target%/}" != "$target" ]; do target="${target%/}"; done
while [ "${target%/.}" != "$target" ]; do target="${target%/.}"; done
case "$target" in
    "" | "/" | *"/.."* | *"/./"*) fail "'${1:-}' cannot be the folder to install into: give a folder of its own, such as ~/planner-app; nothing was installed" ;;
esac
case "$(dirname "$target")" in
    "/") fail "$target is at the top of the file system: give a folder of its own, such as ~/planner-app; nothing was installed" ;;
esac
previous="$target.previous"
marker="planner-install.txt"

[ -f "$here/SHA256SUMS" ] || fail "SHA256SUMS is missing from $here: this is not a whole bundle; nothing was installed"
[ -f "$here/targets.txt" ] || fail "targets.txt is missing from $here: this is not a whole bundle; nothing was installed"

# The Python versions this bundle has Linux wheels for, newest first.
wanted="$(awk '$1 == "linux-x86_64" { print $2 }' "$here/targets.txt" | sort -t. -k1,1nr -k2,2nr | tr '\n' ' ')"
wanted="${wanted% }"
[ -n "$wanted" ] || fail "this bundle has no wheels for Linux x86_64 (see BUNDLE.txt); nothing was installed"

describe() {
    "$1" -c 'import platform, sys, sysconfig; print(sysconfig.get_platform(), "%d.%d" % sys.version_info[:2], sys.implementation.name, platform.libc_ver()[1] or "none")' 2>/dev/null
}
# Whether glibc version $1 is at least $2 (both 2.N): only N is compared ("2.39.9000", a
# development build, is 2.39).
glibc_at_least() {
    local have="${1#2.}" wanted="${2#2.}"
    [ "$have" != "$1" ] || return 1
    have="${have%%[!0-9]*}"
    wanted="${wanted%%[!0-9]*}"
    [ -n "$have" ] && [ -n "$wanted" ] && [ "$have" -ge "$wanted" ]
}
python=""
found=()
if [ -n "${PYTHON:-}" ]; then
    candidates=("$PYTHON")
else
    candidates=()
    for version in $wanted; do candidates+=("python$version"); done
    candidates+=(python3)
fi
for candidate in "${candidates[@]}"; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    read -r platform version implementation glibc <<<"$(describe "$candidate")" || continue
    [ -n "${glibc:-}" ] || continue
    found+=("$candidate is $platform $version $implementation")
    listed="$(awk -v p="$platform" -v v="$version" '$1 == p && $2 == v { print $3 ? $3 : "listed" }' "$here/targets.txt")"
    [ "$implementation" = cpython ] && [ -n "$listed" ] || continue
    needs="${listed#glibc-}"
    if [ "$listed" != listed ] && ! glibc_at_least "$glibc" "$needs"; then
        found[-1]+=" with glibc $glibc, its wheels needing glibc $needs or later"
        continue
    fi
    python="$candidate"
    break
done
if [ -z "$python" ]; then
    seen="none found"
    [ "${#found[@]}" -gt 0 ] && seen="$(IFS=';'; echo "${found[*]}")"
    fail "no Python this bundle has wheels for (CPython $(echo $wanted | tr ' ' '/') on linux-x86_64; $seen): install one, or set PYTHON=/path/to/it; nothing was installed"
fi

say "checking every file of the bundle against SHA256SUMS"
"$python" - "$here" <<'PY'
import hashlib, pathlib, re, sys

bundle = pathlib.Path(sys.argv[1])


def refuse(message):
    print(f"install.sh: {message}; nothing was installed", file=sys.stderr)
    sys.exit(1)


listed = set()
for number, line in enumerate((bundle / "SHA256SUMS").read_text("utf-8").splitlines(), 1):
    match = re.fullmatch(r"([0-9a-f]{64}) [ *](\S.*)", line)
    if not match or match[2].startswith("/") or ".." in match[2].split("/"):
        refuse(f"SHA256SUMS line {number} is not a checksum line: the file was changed")
    expected, name = match[1], match[2]
    path = bundle / name
    if not path.is_file():
        refuse(f"{name} is missing from the bundle (SHA256SUMS lists it)")
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        refuse(f"{name} does not match SHA256SUMS: it changed after the bundle was built")
    listed.add(name)
for wheel in sorted((bundle / "wheels").iterdir()):
    if f"wheels/{wheel.name}" not in listed:
        refuse(f"wheels/{wheel.name} is not in SHA256SUMS: it was added after the bundle was built")
sums = hashlib.sha256((bundle / "SHA256SUMS").read_bytes()).hexdigest()
print(f"== install.sh: all {len(listed)} files match; SHA256SUMS itself has sha256 {sums}")
PY

version="$(sed -n 's/^planner==\([^ ]*\).*/\1/p' "$here/requirements.txt")"
pip_wheels=("$here"/wheels/pip-*-py3-none-any.whl)
[ "${#pip_wheels[@]}" -eq 1 ] && [ -f "${pip_wheels[0]}" ] || fail "the bundle has no pip wheel, or more than one: this is not a whole bundle; nothing was installed"
pip_wheel="${pip_wheels[0]}"

# The installation goes in a folder of its own: never the database's folder, and never a
# folder this installer did not make.
database_folder="$data_home/planner"
case "$target/" in
    "$database_folder/"*) fail "$target is in planner's database folder ($database_folder): install beside it, not in it; nothing was installed" ;;
esac
for folder in "$target" "$previous"; do
    # A folder that cannot be read counts as not empty: it is never set aside or removed.
    if [ -e "$folder" ] && [ ! -f "$folder/$marker" ] &&
        { [ ! -r "$folder" ] || [ -n "$(ls -A "$folder" 2>/dev/null)" ]; }; then
        fail "$folder exists and was not made by this installer: choose another folder; nothing was installed"
    fi
done
if [ -e "$previous" ] && [ ! -e "$target" ]; then
    # An earlier run stopped after setting the installation aside: that one goes back first.
    mv "$previous" "$target"
fi
rm -rf "$previous"

restore() {
    rm -rf "$target"
    if [ -e "$previous" ]; then
        mv "$previous" "$target"
        echo "install.sh: the installation failed (above); the planner installed before is back in $target" >&2
    else
        echo "install.sh: the installation failed (above); nothing is left in $target" >&2
    fi
}
if [ -e "$target" ]; then
    say "setting the planner installed in $target aside until the new one is in"
    mv "$target" "$previous"
fi
trap 'status=$?; [ "$status" -eq 0 ] || restore' EXIT

say "creating a virtual environment in $target with $python ($("$python" --version 2>&1))"
# Without pip: the bundle's own pip (checked above with the rest) runs from its wheel and
# installs itself with the others, so the computer needs no pip and no ensurepip.
"$python" -m venv --without-pip "$target"
say "installing planner $version and its dependencies from the bundle, the package index switched off"
# Only this bundle's wheels, whatever pip's configuration or environment name: no index,
# no other find-links, and each wheel checked against its hash.
# (Not PIP_FIND_LINKS: pip splits it at spaces, and a bundle on "/media/USB DRIVE" would
# add a folder relative to the current one.)
env -u PIP_FIND_LINKS PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    "$target/bin/python" "$pip_wheel/pip" install -q --no-index --find-links "$here/wheels" \
    --require-hashes --only-binary=:all: --no-cache-dir -r "$here/requirements.txt"
"$target/bin/planner" --version >/dev/null
{
    echo "planner $version, installed by install.sh from $here"
    echo "on $(date -u '+%Y-%m-%d %H:%M UTC') with $("$python" --version 2>&1)"
    echo "SHA256SUMS sha256 $("$target/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$here/SHA256SUMS")"
} >"$target/$marker"
rm -rf "$previous"
trap - EXIT

say "planner $version is installed in $target"
echo "Start planner with:"
printf '   %q\n' "$target/bin/planner"
echo "The database was not touched: it stays where it was (by default $database_folder/planner.db)."
