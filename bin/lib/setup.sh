# Shared set-up of the README's two commands (bin/run and bin/test); sourced, not executed.
# REPO_ROOT must be set by the caller.

VENV="$REPO_ROOT/.venv"
PY="$VENV/bin/python"
STAMP="$VENV/.pyproject.sha256"

log() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Privileges: apt-get and the postgres user need root; use sudo only if we are not root.
# ---------------------------------------------------------------------------------------------
if [[ $EUID -eq 0 ]]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    SUDO=()
fi

# ---------------------------------------------------------------------------------------------
# 1. Debian packages
# ---------------------------------------------------------------------------------------------
# What the portal itself needs at run time (WeasyPrint's libraries, a font, gettext).
RUNTIME_PACKAGES=(gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

apt_updated=false
apt_install() {
    if [[ $EUID -ne 0 && ${#SUDO[@]} -eq 0 ]]; then
        die "missing Debian packages ($*), and neither root nor sudo is available to install them"
    fi
    log "installing Debian packages: $*"
    if [[ $apt_updated == false ]]; then
        "${SUDO[@]}" apt-get update
        apt_updated=true
    fi
    # Recommends are skipped on purpose: docker-compose would otherwise pull in the Docker engine.
    # Services are not started by this install when a policy-rc.d forbids it; we never use the
    # system PostgreSQL/Redis anyway, only the throwaway servers started below.
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "$@"
}

ensure_debian_packages() {  # ensure_debian_packages PKG...: install those that are missing
    local missing=()
    command -v python3 >/dev/null 2>&1 || missing+=(python3)
    for pkg in "$@"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    if [[ ${#missing[@]} -gt 0 ]]; then
        apt_install "${missing[@]}"
    fi
}

# ---------------------------------------------------------------------------------------------
# 2. Python virtualenv (.venv), reinstalled only when pyproject.toml changes
# ---------------------------------------------------------------------------------------------
ensure_venv() {  # create .venv and install pyproject.toml's dependencies when it changed
    if [[ -d $VENV ]] && ! "$PY" -c '' >/dev/null 2>&1; then
        log ".venv is broken (its Python does not run): recreating it"
        rm -rf "$VENV"
    fi
    if [[ ! -d $VENV ]]; then
        log "creating .venv"
        if ! python3 -m venv "$VENV" 2>/dev/null; then
            # Debian's python3 ships venv/ensurepip separately.
            rm -rf "$VENV"
            apt_install python3-venv
            python3 -m venv "$VENV"
        fi
    fi

    local pyproject_sha requirements
    pyproject_sha="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [[ ! -f $STAMP || "$(cat "$STAMP")" != "$pyproject_sha" ]]; then
        log "installing Python dependencies from pyproject.toml (dependencies + dev extras)"
        # The project itself is not an installable package ([tool.setuptools] packages = []), so we
        # read its dependency lists with tomllib and install them directly: no build, no egg-info.
        requirements="$(mktemp)"
        "$PY" -c 'import tomllib
p = tomllib.load(open("pyproject.toml", "rb"))["project"]
print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' >"$requirements"
        "$PY" -m pip install --disable-pip-version-check --quiet -r "$requirements"
        rm -f "$requirements"
        "$PY" -m pip check
        echo "$pyproject_sha" >"$STAMP"
    fi
}
