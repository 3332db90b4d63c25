#!/usr/bin/env bash
# Create the virtual environment that runs the Open Badges validator in tests.
#
# The venv goes to .venv-validator/ at the repository root, or to $VALIDATOR_VENV.
# It is separate from the project's venv because the validator's pins conflict
# with current packages. A stamp file inside the venv stores the SHA-256 of
# requirements.txt: when the stamp matches, the script changes nothing. When it
# is missing or differs, the venv is deleted and built again, because
# `pip install --no-deps` never removes packages that a new pin set drops.
# Exit codes: 0 ready, 1 no Python 3.11 or a failed install or import check.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
requirements="$script_dir/requirements.txt"
venv="${VALIDATOR_VENV:-$repo_root/.venv-validator}"
stamp="$venv/.requirements.sha256"

log() {
    echo "setup_venv.sh: $*" >&2
}

find_python() {
    # The validator needs 3.11: its dependency future 0.16.0 imports imp,
    # which Python 3.12 removed.
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
                >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

wanted_hash="$(sha256sum "$requirements" | cut -d ' ' -f 1)"

# Serialise concurrent runs (pytest-xdist workers, parallel CI jobs). The lock
# is taken on requirements.txt, so no lock file is left in the work tree.
if command -v flock >/dev/null 2>&1; then
    exec 9<"$requirements"
    flock 9
fi

if [[ -x "$venv/bin/python" && -f "$stamp" ]] \
    && [[ "$(cat "$stamp")" == "$wanted_hash" ]]; then
    exit 0
fi

if [[ -e "$venv" ]]; then
    if [[ ! -f "$venv/pyvenv.cfg" ]]; then
        log "$venv exists but is not a virtual environment (no pyvenv.cfg)." \
            "Remove it or set VALIDATOR_VENV to another path."
        exit 1
    fi
    log "requirements changed or the last setup did not finish: rebuilding $venv"
    rm -rf "$venv"
fi

if ! python="$(find_python)"; then
    log "Python 3.11 not found: neither python3.11 nor python3 on PATH is 3.11." \
        "Install Python 3.11: the validator does not import on 3.12, which removed imp."
    exit 1
fi

log "creating $venv with $python"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --no-deps -r "$requirements" >&2
"$venv/bin/python" -c 'import openbadges, openbadges_bakery' >&2

# Written last, so an interrupted or failed setup is rebuilt on the next run.
echo "$wanted_hash" >"$stamp"
log "ready: $venv"
